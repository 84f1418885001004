"""Atom 1.0 feeds (RFC 4287): the whole periodical at feed.xml, one per section.

Pure and deterministic: stdlib XML only, no wall clock, writes nothing.

URLs: when `base_url` is absolute, links and ids are absolute URLs (an entry's id is its
permalink). When it is only a path such as `/`, there is no host to build absolute URLs from:
links are root-relative paths (resolved by feed readers against the feed's own URL) and ids
are tag URIs (RFC 4151) such as `tag:bulletin-ssg,2023:/issues/2023-02-16/slug/`, which stay
stable as long as the path does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple
from xml.etree import ElementTree as ET

from .model import Article, OutputFile, SectionConfig, Site, SiteConfig, midnight_stamp

#: Entries in a feed, newest first.
FEED_SIZE = 50
#: Feed file name, at the site root and in each section's folder.
FEED_NAME = "feed.xml"
#: Authority and date of the tag URIs used as ids when base_url has no host.
TAG_PREFIX = "tag:bulletin-ssg,2023:"
GENERATOR = "bulletin-ssg"

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ATOM_TYPE = "application/atom+xml"
HTML_TYPE = "text/html"

# Root-relative URLs in attributes; not protocol-relative `//host` ones.
_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")(/(?!/))')
# Characters XML 1.0 does not allow in a document, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Feed(NamedTuple):
    """One feed of the site: where it goes, its articles (newest first) and its titles."""

    path: str
    articles: Sequence[Article]
    title: str
    subtitle: str
    page_url: str
    feed_url: str
    origin: str

    def render(self, site: Site) -> OutputFile:
        content = render_feed(
            site, self.articles, title=self.title, subtitle=self.subtitle,
            page_url=self.page_url, feed_url=self.feed_url,
        )  # fmt: skip
        return OutputFile(path=self.path, content=content, origin=self.origin)


def site_feeds(site: Site) -> list[Feed]:
    """feed.xml for the whole site, then sections/<key>/feed.xml in site.yaml order."""
    config = site.config
    feeds = [Feed(FEED_NAME, site.articles, config.title, config.description, "/",
                  f"/{FEED_NAME}", "site feed")]  # fmt: skip
    for archive in site.sections:
        section = archive.section
        feeds.append(
            Feed(
                path=f"sections/{section.key}/{FEED_NAME}",
                articles=archive.articles,
                title=f"{config.title} · {section.title}",
                subtitle=section.description or config.description,
                page_url=archive.url,
                feed_url=f"{archive.url}{FEED_NAME}",
                origin=f"section {section.key} feed",
            )
        )
    return feeds


def render_feed(
    site: Site,
    articles: Sequence[Article],
    *,
    title: str,
    subtitle: str,
    page_url: str,
    feed_url: str,
) -> bytes:
    """One Atom document of the first FEED_SIZE `articles` (given newest first)."""
    config = site.config
    entries = articles[:FEED_SIZE]
    feed = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: config.language})
    _text(feed, "id", entry_id(config, feed_url))
    _text(feed, "title", title)
    if subtitle:
        _text(feed, "subtitle", subtitle)
    _text(feed, "updated", feed_updated(site, entries))
    _link(feed, "self", config.absolute_url(feed_url), ATOM_TYPE)
    _link(feed, "alternate", config.absolute_url(page_url), HTML_TYPE)
    _author(feed, config.title)
    _text(feed, "generator", GENERATOR)
    sections = {s.key: s for s in config.sections}
    for article in entries:
        feed.append(render_entry(config, article, sections.get(article.section)))
    ET.indent(feed)
    body = ET.tostring(feed, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


def render_entry(config: SiteConfig, article: Article, section: SectionConfig | None) -> ET.Element:
    """One <entry>: ids, links, dates, authors, categories, summary and the full HTML."""
    entry = ET.Element("entry")
    _text(entry, "id", entry_id(config, article.url))
    _text(entry, "title", article.title)
    _link(entry, "alternate", config.absolute_url(article.url), HTML_TYPE)
    stamp = midnight_stamp(article.issue_date, config.timezone)
    _text(entry, "published", stamp)
    _text(entry, "updated", stamp)
    for name in entry_authors(article):
        _author(entry, name)
    for term in categories(article, section):
        ET.SubElement(entry, "category", {"term": clean(term)})
    if article.summary:
        _text(entry, "summary", article.summary)
    content = ET.SubElement(entry, "content", {"type": "html"})
    content.text = clean(absolute_links(config, article.html))
    return entry


def feed_updated(site: Site, entries: Sequence[Article]) -> str:
    """The newest entry's date; for an empty feed the build date, else the Unix epoch."""
    if entries:
        day = max(a.issue_date for a in entries)
    elif site.build_date is not None:
        day = site.build_date
    else:
        return "1970-01-01T00:00:00Z"
    return midnight_stamp(day, site.config.timezone)


def entry_authors(article: Article) -> tuple[str, ...]:
    """Article.authors, else the byline as one name, else none (the feed's author applies)."""
    if article.authors:
        return article.authors
    return (article.byline,) if article.byline else ()


def categories(article: Article, section: SectionConfig | None) -> tuple[str, ...]:
    """The section's title, then the tags, without repeats."""
    terms = ((section.title,) if section else ()) + article.tags
    return tuple(dict.fromkeys(t for t in terms if t))


def entry_id(config: SiteConfig, url: str) -> str:
    """The permalink when base_url is absolute, else a tag URI of the path."""
    link = config.absolute_url(url)
    return link if config.has_host else TAG_PREFIX + link


def absolute_links(config: SiteConfig, html: str) -> str:
    """Root-relative href/src made absolute, so feed readers resolve them against the site."""
    if not config.has_host:
        return html
    origin = config.absolute_url("/").removesuffix(config.base_path)
    return _ROOT_RELATIVE.sub(lambda m: m.group(1) + origin + "/", html)


def clean(text: str) -> str:
    """`text` without the control characters XML cannot carry."""
    return _NOT_XML.sub("", text)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    child = ET.SubElement(parent, tag)
    child.text = clean(text)
    return child


def _link(parent: ET.Element, rel: str, href: str, kind: str) -> None:
    ET.SubElement(parent, "link", {"rel": rel, "type": kind, "href": href})


def _author(parent: ET.Element, name: str) -> None:
    author = ET.SubElement(parent, "author")
    _text(author, "name", name)
