"""The Pelican flavour of the benchmark corpus (bench/corpus.py copies this file as it is).

Sections are categories; an issue and an issue section are tags, so the page count matches
bulletin's: articles, issues, issue sections, paginated sections.
"""

import os

HERE = os.path.dirname(os.path.abspath(__file__))
AUTHOR = "党建周刊"
SITENAME = "党建周刊"
SITEURL = ""
PATH = os.path.join(HERE, "content")
THEME = os.path.join(HERE, "theme")
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {"category": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
SECTION_TITLES = {"focus": "本期关注", "thinking": "思考", "briefs": "信息直通车"}
DIRECT_TEMPLATES = ["index", "archives"]
ARCHIVES_SAVE_AS = "archive/index.html"
ARTICLE_URL = "issues/{date:%Y-%m-%d}/{shortslug}/"
ARTICLE_SAVE_AS = "issues/{date:%Y-%m-%d}/{shortslug}/index.html"
CATEGORY_URL = "sections/{slug}/"
CATEGORY_SAVE_AS = "sections/{slug}/index.html"
TAG_URL = "issues/{slug}/"
TAG_SAVE_AS = "issues/{slug}/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAGS_SAVE_AS = ""
PAGE_SAVE_AS = ""
FEED_ALL_ATOM = "feed.xml"
CATEGORY_FEED_ATOM = "sections/{slug}/feed.xml"
FEED_MAX_ITEMS = 50
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
RELATIVE_URLS = False
