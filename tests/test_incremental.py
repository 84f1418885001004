"""Cached, incremental and parallel builds give the same bytes as a clean single-process build."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bulletin_ssg import feeds, workers
from bulletin_ssg.build import BuildReport, build_site, load_site, rebuild_for_serve
from bulletin_ssg.buildstate import BuildState
from bulletin_ssg.cache import CACHE_DIR
from bulletin_ssg.errors import BuildFailed, LayoutError
from bulletin_ssg.incremental import site_frame
from bulletin_ssg.model import OutputFile, Site
from bulletin_ssg.pages import PageSpec
from bulletin_ssg.pagevalues import Page
from bulletin_ssg.sitefiles import theme_dir

from .conftest import snapshot

Edit = Callable[[Path], None]


@pytest.fixture(autouse=True)
def private_key_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


def without_search(site: Path) -> Path:
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "search: false\n", encoding="utf-8")
    return site


def load(site: Path) -> Site:
    return load_site(site, drafts=False, future=False, strict=False, today=None, environ={}).site


def clean(site: Path, out: Path, **options: object) -> dict[str, bytes]:
    """The reference: no cache, one process, a fresh folder."""
    build_site(site, out, cache=False, jobs=1, environ={}, **options)  # type: ignore[arg-type]
    return snapshot(out)


def edit_body(site: Path) -> None:
    file = site / "content/2024-05-02/market.md"
    file.write_text(file.read_text(encoding="utf-8") + "\n补记：菜价平稳。\n", encoding="utf-8")


def edit_title(site: Path) -> None:
    file = site / "content/2024-05-09/editorial.md"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("title:", "title: 新", 1), encoding="utf-8")


def edit_section(site: Path) -> None:
    file = site / "content/2024-05-02/market.md"
    text = file.read_text(encoding="utf-8")
    section = "section: opinion" if "section: news" in text else "section: news"
    lines = [section if line.startswith("section:") else line for line in text.splitlines()]
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")


def add_article(site: Path) -> None:
    (site / "content/2024-05-09/new-story.md").write_text(
        "---\ntitle: 新的报道\nsection: news\nbyline: 本报记者 李明\n---\n\n"
        "一段新的正文，[链接](editorial.md)。\n",
        encoding="utf-8",
    )


def delete_article(site: Path) -> None:
    (site / "content/2024-05-09/来信.md").unlink()


def delete_linked_article(site: Path) -> None:
    """The article that links to it must now fail: its link answer changed."""
    (site / "content/2024-05-02/market.md").unlink()
    linking = site / "content/2024-05-02/春耕备耕.md"
    text = linking.read_text(encoding="utf-8")
    linking.write_text(text.replace("[市场行情](market.md)", "市场行情"), encoding="utf-8")


def edit_layout(site: Path) -> None:
    bundled = theme_dir("layouts")
    assert bundled is not None
    (site / "layouts").mkdir(exist_ok=True)
    text = (bundled / "base.html").read_text(encoding="utf-8")
    (site / "layouts/base.html").write_text(
        text.replace("</body>", "<p>layout edited</p>\n</body>"), encoding="utf-8"
    )


def edit_config(site: Path) -> None:
    config = site / "site.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("江城晨报", "江城晚报"), encoding="utf-8"
    )


def edit_paginate(site: Path) -> None:
    config = site / "site.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("paginate: 2", "paginate: 1"),
        encoding="utf-8",
    )


def add_image(site: Path) -> None:
    shutil.copy(
        site / "content/2024-05-02/images/field.svg", site / "content/2024-05-02/images/new.svg"
    )


def edit_issue_number(site: Path) -> None:
    """Article pages say their issue's number (JSON-LD) though the article did not change."""
    file = site / "content/2024-05-09/issue.yaml"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("number: ", "number: 9", 1), encoding="utf-8")


def edit_order(site: Path) -> None:
    """Moving one article changes its neighbours' previous/next links."""
    file = site / "content/2024-05-02/market.md"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("order: 2", "order: 0"), encoding="utf-8")


def edit_order_in_place(site: Path) -> None:
    """A new order that leaves the article where it was (after the one with order 1)."""
    file = site / "content/2024-05-02/market.md"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("order: 2", "order: 5"), encoding="utf-8")


def edit_summary(site: Path) -> None:
    file = site / "content/2024-05-02/market.md"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("summary: 本周", "summary: 上周"), encoding="utf-8")


EDITS: dict[str, Edit] = {
    "body": edit_body,
    "title": edit_title,
    "section": edit_section,
    "added-file": add_article,
    "deleted-file": delete_article,
    "deleted-link-target": delete_linked_article,
    "layout": edit_layout,
    "site-yaml": edit_config,
    "paginate": edit_paginate,
    "issue-file": add_image,
    "issue-number": edit_issue_number,
    "order": edit_order,
    "summary": edit_summary,
}


@pytest.mark.parametrize("edit", list(EDITS.values()), ids=list(EDITS))
def test_rebuild_after_an_edit_is_a_clean_build(
    edit: Edit, sample_site: Path, tmp_path: Path
) -> None:
    site = without_search(sample_site)
    out = tmp_path / "public"
    build_site(site, out, environ={})
    edit(site)
    build_site(site, out, environ={})
    assert snapshot(out) == clean(site, tmp_path / "reference")


@pytest.mark.parametrize("edit", list(EDITS.values()), ids=list(EDITS))
def test_serve_rebuilds_with_state_in_memory_match_a_clean_build(
    edit: Edit, sample_site: Path, tmp_path: Path
) -> None:
    site = without_search(sample_site)
    out = tmp_path / "served"
    state = BuildState(site, save_every_build=False)
    assert not [d for d in rebuild_for_serve(site, out, drafts=True, state=state) if d.is_error]
    edit(site)
    assert not [d for d in rebuild_for_serve(site, out, drafts=True, state=state) if d.is_error]
    reference = clean(site, tmp_path / "reference", drafts=True, future=True, base_url="/")
    assert snapshot(out) == reference


def test_deleting_a_link_target_fails_the_article_that_links_to_it(
    sample_site: Path, tmp_path: Path
) -> None:
    site = without_search(sample_site)
    build_site(site, tmp_path / "public", environ={})
    (site / "content/2024-05-02/market.md").unlink()
    with pytest.raises(BuildFailed) as failed:
        build_site(site, tmp_path / "public", environ={})
    located = [(d.location.path, d.location.line) for d in failed.value.diagnostics if d.location]
    assert located == [("content/2024-05-02/春耕备耕.md", 23)]


def test_one_edit_renders_only_the_pages_it_touches(sample_site: Path, tmp_path: Path) -> None:
    site = without_search(sample_site)
    out = tmp_path / "public"
    first = build_site(site, out, environ={})
    edit_body(site)
    second = build_site(site, out, environ={})
    assert first.rendered == first.pages
    assert 0 < second.rendered < second.pages
    assert second.rendered + second.reused == second.pages
    assert second.parsed == 1


def test_the_site_frame_changes_with_any_value_besides_the_articles(sample_site: Path) -> None:
    site = load(sample_site)
    frame = site_frame(site, b"layouts")
    assert site_frame(load(sample_site), b"layouts") == frame
    assert site_frame(site, b"other layouts") != frame
    issue = site.issues[0]
    retitled = replace(issue, info=replace(issue.info, title=f"{issue.info.title}。"))
    assert site_frame(replace(site, issues=(retitled, *site.issues[1:])), b"layouts") != frame
    config = replace(site.config, params={**site.config.params, "motto": "为人民服务"})
    assert site_frame(replace(site, config=config), b"layouts") != frame
    assert site_frame(replace(site, files=site.files[1:]), b"layouts") != frame


def test_feeds_are_rendered_again_only_when_their_articles_or_settings_changed(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = without_search(sample_site)
    out = tmp_path / "public"
    build_site(site, out, environ={})
    rendered: list[str] = []
    render = feeds.Feed.render

    def counted(feed: feeds.Feed, whole: Site) -> OutputFile:
        rendered.append(feed.path)
        return render(feed, whole)

    monkeypatch.setattr(feeds.Feed, "render", counted)
    edit_issue_number(site)  # no feed says an issue's number
    build_site(site, out, environ={})
    assert rendered == []
    edit_body(site)  # an article of section news
    build_site(site, out, environ={})
    assert sorted(rendered) == ["feed.xml", "sections/news/feed.xml"]
    rendered.clear()
    edit_config(site)
    build_site(site, out, environ={})
    assert "sections/opinion/feed.xml" in rendered
    assert snapshot(out) == clean(site, tmp_path / "reference")


def test_nothing_changed_renders_and_writes_nothing(sample_site: Path, tmp_path: Path) -> None:
    site = without_search(sample_site)
    out = tmp_path / "public"
    first = build_site(site, out, environ={})
    before = snapshot(out)
    again = build_site(site, out, environ={})
    assert (again.rendered, again.written, again.parsed) == (0, 0, 0)
    assert (again.pages, again.files, again.warnings) == (first.pages, first.files, first.warnings)
    assert snapshot(out) == before


def test_search_index_is_kept_when_no_page_changed_and_rebuilt_when_one_did(
    sample_site: Path, tmp_path: Path
) -> None:
    out = tmp_path / "public"
    build_site(sample_site, out, environ={})
    edit_layout_css = sample_site / "assets" / "extra.css"
    edit_layout_css.write_text("p { margin: 0 }\n", encoding="utf-8")
    kept = build_site(sample_site, out, environ={})
    assert kept.rendered == 0
    assert snapshot(out) == clean(sample_site, tmp_path / "reference-1")
    edit_body(sample_site)
    build_site(sample_site, out, environ={})
    assert snapshot(out) == clean(sample_site, tmp_path / "reference-2")


@pytest.mark.parametrize("forking", [True, False], ids=["checked-in-a-child", "checked-here"])
@pytest.mark.parametrize(
    "tamper",
    ["edit-page", "add-stranger", "delete-page", "add-folder"],
)
def test_hand_edited_output_is_repaired_not_trusted(
    tamper: str, forking: bool, sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "can_fork", lambda: forking)  # see tests/test_workers.py
    site = without_search(sample_site)
    out = tmp_path / "public"
    build_site(site, out, environ={})
    expected = snapshot(out)
    page = out / "index.html"
    if tamper == "edit-page":
        page.write_bytes(page.read_bytes().replace("江城晨报".encode(), "改过的".encode()))
    elif tamper == "add-stranger":
        (out / "issues" / "stranger.html").write_text("x", encoding="utf-8")
    elif tamper == "delete-page":
        page.unlink()
    else:
        (out / "extra" / "deep").mkdir(parents=True)
        (out / "extra" / "deep" / "file.txt").write_text("x", encoding="utf-8")
    build_site(site, out, environ={})
    assert snapshot(out) == expected
    assert not (out / "extra").exists()


def test_broken_edit_keeps_output_and_cache_and_the_fix_recovers(
    sample_site: Path, tmp_path: Path
) -> None:
    site = without_search(sample_site)
    out = tmp_path / "public"
    build_site(site, out, environ={})
    before = snapshot(out)
    article = site / "content/2024-05-02/market.md"
    good = article.read_text(encoding="utf-8")
    article.write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        build_site(site, out, environ={})
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    article.write_text(good + "\n修好了。\n", encoding="utf-8")
    build_site(site, out, environ={})
    assert snapshot(out) == clean(site, tmp_path / "reference")


def test_layout_error_keeps_output_and_the_fix_recovers(sample_site: Path, tmp_path: Path) -> None:
    site = without_search(sample_site)
    out = tmp_path / "public"
    build_site(site, out, environ={})
    before = snapshot(out)
    (site / "layouts").mkdir()
    (site / "layouts/404.html").write_text("{% if %}", encoding="utf-8")
    with pytest.raises(LayoutError):
        build_site(site, out, environ={})
    assert snapshot(out) == before
    (site / "layouts/404.html").unlink()
    edit_body(site)
    build_site(site, out, environ={})
    assert snapshot(out) == clean(site, tmp_path / "reference")


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_corrupt_cache_is_ignored(damage: str, sample_site: Path, tmp_path: Path) -> None:
    site = without_search(sample_site)
    out = tmp_path / "public"
    build_site(site, out, environ={})
    files = sorted((site / CACHE_DIR).glob("*.pickle"))
    assert files
    for file in files:
        data = file.read_bytes()
        file.write_bytes(
            {"garbage": b"not a pickle" * 10, "truncated": data[: len(data) // 2], "empty": b""}[
                damage
            ]
        )
    edit_body(site)
    report = build_site(site, out, environ={})
    assert report.rendered == report.pages
    assert snapshot(out) == clean(site, tmp_path / "reference")


def test_no_cache_reads_and_writes_no_cache(sample_site: Path, tmp_path: Path) -> None:
    site = without_search(sample_site)
    shutil.rmtree(site / CACHE_DIR, ignore_errors=True)  # a copy may bring one along
    build_site(site, tmp_path / "public", cache=False, environ={})
    assert not (site / CACHE_DIR).exists()


def test_a_build_that_keeps_nothing_fingerprints_no_page(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the cache no page is fingerprinted (nothing would keep the marks); the pages
    are those of a build that fingerprints every one."""
    import bulletin_ssg.incremental as incremental

    site = without_search(sample_site)
    fingerprinted: list[str] = []
    page_fingerprint = incremental.page_fingerprint

    def noted(uses: object, spec: PageSpec, *args: object) -> object:
        fingerprinted.append(spec.url)
        return page_fingerprint(uses, spec, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(incremental, "page_fingerprint", noted)
    cached = build_site(site, tmp_path / "cached", environ={})
    assert len(fingerprinted) == cached.pages
    fingerprinted.clear()
    anew = build_site(site, tmp_path / "anew", cache=False, environ={})
    assert fingerprinted == []
    assert anew.rendered == anew.pages == cached.pages
    assert snapshot(tmp_path / "anew") == snapshot(tmp_path / "cached")


def write_many(site: Path, count: int) -> None:
    for number in range(count):
        issue = site / "content" / f"2024-0{1 + number % 4}-0{1 + number % 7}"
        issue.mkdir(parents=True, exist_ok=True)
        (issue / f"story-{number:03}.md").write_text(
            f"---\ntitle: 第{number}篇\nsection: {'news' if number % 3 else 'opinion'}\n"
            f"order: {number % 5}\n---\n\n正文{number}，有**重点**。\n\n## 小标题\n\n结尾。\n",
            encoding="utf-8",
        )


def test_a_parallel_build_is_a_single_process_build(sample_site: Path, tmp_path: Path) -> None:
    site = without_search(sample_site)
    write_many(site, 260)  # above the batch size at which workers start
    report = build_site(site, tmp_path / "parallel", cache=False, jobs=2, environ={})
    assert report.parsed > 200
    assert snapshot(tmp_path / "parallel") == clean(site, tmp_path / "reference")


def test_pages_rendered_in_forked_processes_are_a_single_process_build(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bulletin_ssg.incremental as incremental

    monkeypatch.setattr(workers, "FORK_THRESHOLD", 2)
    monkeypatch.setattr(workers, "can_fork", lambda: True)  # see tests/test_workers.py
    monkeypatch.setattr(incremental, "PAGES_A_RUN", 2)
    renderers = tmp_path / "renderers"
    render_page = incremental.render_page

    def render_noting_process(*args: object, **options: object) -> OutputFile:
        with renderers.open("a", encoding="utf-8") as file:  # children append too
            file.write(f"{os.getpid()}\n")
        return render_page(*args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(incremental, "render_page", render_noting_process)
    site = without_search(sample_site)
    report = build_site(site, tmp_path / "forked", cache=False, jobs=3, environ={})
    assert report.rendered == report.pages > 6
    assert len(set(renderers.read_text(encoding="utf-8").split())) > 1
    monkeypatch.undo()
    assert snapshot(tmp_path / "forked") == clean(site, tmp_path / "reference")


def test_pages_are_rendered_in_runs_and_then_written(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each run of PAGES_A_RUN pages is rendered, then its files are written. The archive,
    which lists every issue, comes first."""
    import bulletin_ssg.incremental as incremental
    from bulletin_ssg.staging import Stage

    steps: list[str] = []
    urls: list[str] = []
    render_page, put = incremental.render_page, Stage.put

    def render(env: object, page: Page, *args: object, **options: object) -> OutputFile:
        steps.append("render")
        urls.append(page.url)
        return render_page(env, page, *args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(incremental, "PAGES_A_RUN", 4)
    monkeypatch.setattr(incremental, "render_page", render)
    monkeypatch.setattr(Stage, "put", lambda *a, **k: steps.append("write") or put(*a, **k))
    report = build_site(without_search(sample_site), tmp_path / "public", jobs=1, environ={})
    runs = "".join(step[0] for step in steps)
    assert report.rendered > 8
    assert runs.startswith("rrrrwwwwrrrrwwww")
    assert runs.count("r") == runs.count("w") == report.rendered
    assert urls[:3] == ["/archive/", "/", "/issues/2024-05-09/"]


def test_reports_are_given_back_unchanged(sample_site: Path, tmp_path: Path) -> None:
    site = without_search(sample_site)
    first = build_site(site, tmp_path / "public", environ={})
    again = build_site(site, tmp_path / "public", environ={})
    assert isinstance(again, BuildReport)
    assert again.reused == first.pages


def test_consecutive_edits_each_match_a_clean_build(sample_site: Path, tmp_path: Path) -> None:
    """The page index one edit leaves is the one the next edit builds on."""
    site = without_search(sample_site)
    out = tmp_path / "public"
    build_site(site, out, environ={})
    for number, edit in enumerate([edit_body, edit_title, edit_summary, edit_body, edit_order]):
        edit(site)
        build_site(site, out, environ={})
        assert snapshot(out) == clean(site, tmp_path / f"reference-{number}"), edit.__name__


def page_urls_passed_to(name: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URL of each page `incremental.<name>(_, page_or_spec, ...)` is called with, from now."""
    import bulletin_ssg.incremental as incremental

    urls: list[str] = []
    original = getattr(incremental, name)

    def recording(*args: object, **kwargs: object) -> object:
        urls.append(args[1].url)  # type: ignore[attr-defined]
        return original(*args, **kwargs)

    monkeypatch.setattr(incremental, name, recording)
    return urls


@pytest.mark.parametrize(
    ("edit", "everything"),
    [(edit_body, False), (edit_title, False), (edit_section, True), (add_article, True)],
    ids=["body", "title", "section", "added-file"],
)
def test_only_pages_reading_a_changed_article_are_fingerprinted(
    edit: Edit, everything: bool, sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change within articles fingerprints their readers; a change of the site's shape, all."""
    site = without_search(sample_site)
    out = tmp_path / "public"
    build_site(site, out, environ={})
    counted = page_urls_passed_to("page_fingerprint", monkeypatch)
    edit(site)
    report = build_site(site, out, environ={})
    if everything:
        assert len(counted) == report.pages
    else:
        assert 0 < len(counted) < report.pages
        assert report.rendered <= len(counted)


@pytest.mark.parametrize(
    ("edit", "hashed", "indexed"),
    [
        (edit_body, False, True),
        (edit_title, False, True),
        (edit_order_in_place, True, True),
        (edit_order, True, False),
        (add_article, True, False),
    ],
    ids=["body", "title", "order-in-place", "order", "added-file"],
)
def test_the_whole_site_is_hashed_only_when_an_article_may_have_moved(
    edit: Edit,
    hashed: bool,
    indexed: bool,
    sample_site: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Unless the site's frame changed or an article's place did, neither the site's shape
    nor the list of all pages is made; when it is and the shape is the same, the page index
    still serves."""
    import bulletin_ssg.incremental as incremental

    site = without_search(sample_site)
    out = tmp_path / "public"
    build_site(site, out, environ={})
    calls: list[str] = []
    for name in ("site_shape", "page_specs"):
        original = getattr(incremental, name)

        def counting(*args: object, _name: str = name, _original: object = original) -> object:
            calls.append(_name)
            return _original(*args)  # type: ignore[operator]

        monkeypatch.setattr(incremental, name, counting)
    counted = page_urls_passed_to("page_fingerprint", monkeypatch)
    edit(site)
    report = build_site(site, out, environ={})
    assert sorted(calls) == (["page_specs", "site_shape"] if hashed else [])
    assert (len(counted) < report.pages) is indexed
    assert snapshot(out) == clean(site, tmp_path / "reference")


def layouts_compiled(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The name of each layout Jinja compiles in this process, from now."""
    import jinja2

    compiled: list[str | None] = []
    original = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None,
                 *args: object, **kwargs: object) -> object:  # fmt: skip
        compiled.append(name)
        return original(self, source, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return compiled


def test_layouts_are_compiled_once_and_again_when_edited(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = without_search(sample_site)
    out = tmp_path / "public"
    build_site(site, out, environ={})
    compiled = layouts_compiled(monkeypatch)
    edit_body(site)
    build_site(site, out, environ={})
    assert compiled == []
    edit_layout(site)
    build_site(site, out, environ={}, jobs=1)  # with more, a first build compiles on the side
    assert "base.html" in compiled
    assert snapshot(out) == clean(site, tmp_path / "reference")


def test_a_first_build_of_many_processes_compiles_the_layouts_on_the_side(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compiled in another process while the content is read, and what each reads learnt there
    too; this one loads them from Jinja's bytecode and compiles none."""
    import bulletin_ssg.incremental as incremental

    site = without_search(sample_site)
    compiled = layouts_compiled(monkeypatch)
    learnt: list[str] = []
    monkeypatch.setattr(incremental, "layout_uses", lambda env, name: learnt.append(name))
    build_site(site, tmp_path / "public", environ={}, jobs=2)
    assert (compiled, learnt) == ([], [])
    monkeypatch.undo()
    assert snapshot(tmp_path / "public") == clean(site, tmp_path / "reference")


def test_a_body_edit_renders_no_other_article_page(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Neighbours read the edited article's title and URL only: their pages stay as they are."""
    site = without_search(sample_site)
    out = tmp_path / "public"
    build_site(site, out, environ={})
    rendered = page_urls_passed_to("render_page", monkeypatch)
    edit_body(site)
    build_site(site, out, environ={})
    issue = next(i for i in load(site).issues if i.date.isoformat() == "2024-05-02")
    assert len(issue.articles) > 2
    assert [url for url in rendered if url in {a.url for a in issue.articles}] == [
        "/issues/2024-05-02/market/"
    ]
    assert "/issues/2024-05-02/" in rendered
    assert "/archive/" not in rendered  # it reads issues' dates, numbers and themes only


def test_the_dev_servers_output_is_remembered_in_memory_only(
    sample_site: Path, tmp_path: Path
) -> None:
    site = without_search(sample_site)
    before = set((site / CACHE_DIR).glob("output-*"))
    state = BuildState(site, save_every_build=False)
    rebuild_for_serve(site, tmp_path / "served", drafts=False, state=state)
    edit_body(site)
    second = build_site(site, tmp_path / "served", future=True, base_url="/", state=state)
    assert second.rendered < second.pages  # the first build's manifest was used
    assert set((site / CACHE_DIR).glob("output-*")) == before
    assert list((site / CACHE_DIR).glob("articles-*"))
