"""What pages tell machines about themselves: feed links, Open Graph values, JSON-LD.

Pure: Site values in, plain values out; no Jinja and no IO.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .model import Article, Issue, IssueSection, Site, SiteConfig, midnight_stamp

#: The Atom feeds' file name, at the site root and in each section's folder (feeds.py).
FEED_NAME = "feed.xml"
#: Characters escaped in JSON-LD so that no `</script>` or `<!--` can end or confuse the script.


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedLink:
    """An Atom feed a page announces with `<link rel="alternate">`."""

    title: str
    url: str  #: root-relative


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleMeta:
    """What an article page says about itself to machines: Open Graph and JSON-LD."""

    published: str  #: ISO 8601 date-time of the issue day in the site's timezone
    section: str  #: the section's title
    tags: tuple[str, ...]
    json_ld: str  #: schema.org NewsArticle, serialised and safe inside a `<script>`


def feed_links(config: SiteConfig, section_key: str | None = None) -> tuple[FeedLink, ...]:
    """The site's feed, then the feed of the section the page belongs to, if any."""
    links = [FeedLink(title=config.title, url=f"/{FEED_NAME}")]
    section = config.section(section_key) if section_key is not None else None
    if section is not None:
        links.append(
            FeedLink(
                title=f"{config.title} · {section.title}",
                url=f"/sections/{section.key}/{FEED_NAME}",
            )
        )
    return tuple(links)


def og_locale(language: str) -> str:
    """BCP 47 `zh-CN` → Open Graph `zh_CN`; a tag without a region keeps its language only."""
    parts = language.replace("_", "-").split("-")
    regions = [p for p in parts[1:] if len(p) == 2 and p.isalpha()]
    return f"{parts[0].lower()}_{regions[0].upper()}" if regions else parts[0].lower()


def script_json(data: object) -> str:
    """`data` as sorted JSON, non-ASCII kept, with `<`, `>` and `&` escaped for a `<script>`."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    # str.replace is several times faster than str.translate on long non-ASCII text.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def news_article(site: Site, issue: Issue, part: IssueSection, article: Article) -> dict[str, Any]:
    """schema.org NewsArticle of an article page, with absolute URLs when base_url has a host.

    Authors are people when the front matter names them; otherwise the periodical itself, as
    for an unsigned 本报讯 item (a byline is printed text, not a reliable list of names).
    """
    config = site.config
    url = config.absolute_url(article.url)
    published = midnight_stamp(article.issue_date, config.timezone)
    periodical = {"@type": "Organization", "name": config.title, "url": config.absolute_url("/")}
    issue_data: dict[str, Any] = {
        "@type": "PublicationIssue",
        "datePublished": published,
        "url": config.absolute_url(issue.url),
        "isPartOf": {"@type": "Periodical", "name": config.title, "url": config.absolute_url("/")},
    }
    if issue.info.number is not None:
        issue_data["issueNumber"] = issue.info.number
    authors = [{"@type": "Person", "name": name} for name in article.authors] or [periodical]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": published,
        "author": authors,
        "publisher": periodical,
        "isPartOf": issue_data,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "inLanguage": config.language,
        "articleSection": part.section.title,
    }
    optional = {
        "alternativeHeadline": article.subtitle,
        "description": article.summary,
        "keywords": list(article.tags),
    }
    data.update({key: value for key, value in optional.items() if value})
    return data


def article_meta(site: Site, issue: Issue, part: IssueSection, article: Article) -> ArticleMeta:
    """Open Graph article values and the JSON-LD of an article page."""
    return ArticleMeta(
        published=midnight_stamp(article.issue_date, site.config.timezone),
        section=part.section.title,
        tags=article.tags,
        json_ld=script_json(news_article(site, issue, part, article)),
    )
