"""What one build hands the next: article records saved in files chosen by issue folder, only
when changed, and packed as columns that load back equal."""

from __future__ import annotations

import pickle
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from bulletin_ssg.articles import RenderOutcome
from bulletin_ssg.build import build_site
from bulletin_ssg.buildstate import (
    RECORD_FILES,
    RECORDS_INDEX,
    BuildState,
    Inputs,
    _output_key,
    input_fingerprint,
    records_file,
)
from bulletin_ssg.cache import CACHE_DIR, Cache
from bulletin_ssg.errors import Location, error
from bulletin_ssg.listing import scan
from bulletin_ssg.model import Article, Heading, Link
from bulletin_ssg.records import ArticleRecord, pack, unpack
from bulletin_ssg.sitefiles import asset_dirs, layout_dirs


@pytest.fixture(autouse=True)
def private_key_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


def record_files(site: Path) -> dict[str, int]:
    """Each file of article records with its inode (a rewrite gives a new one)."""
    return {p.name: p.stat().st_ino for p in sorted((site / CACHE_DIR).glob("articles-*.pickle"))}


def build(site: Path) -> None:
    build_site(site, site / "public", environ={})


@pytest.fixture
def built(sample_site: Path) -> Path:
    shutil.rmtree(sample_site / CACHE_DIR, ignore_errors=True)
    build(sample_site)
    return sample_site


def expected_files(site: Path) -> set[str]:
    """The files of article records the site's records should be kept in."""
    return {f"{records_file(path)}.pickle" for path in BuildState(site).records()}


def test_records_are_kept_in_files_chosen_by_issue_folder(built: Path) -> None:
    issues = {p.name for p in (built / "content").iterdir() if p.is_dir()}
    records = BuildState(built).records()
    assert {path.split("/")[1] for path in records} == issues
    assert record_files(built).keys() == expected_files(built)
    assert len(record_files(built)) == len({records_file(f"content/{i}/a.md") for i in issues})
    assert len({records_file(f"content/{n}/a.md") for n in range(1000)}) == RECORD_FILES


def test_records_load_a_file_at_a_time_until_told_to_stop(built: Path) -> None:
    whole = BuildState(built).records()
    state = BuildState(built)
    asked = []
    state.load_records_until(lambda: asked.append(1) or len(asked) > 2)
    assert len(asked) == 3  # asked before each file: two loaded, then told to stop
    assert len(state._shards) == 2 < len(record_files(built))
    records = state.records()  # the rest, as if loaded at once
    assert list(records) == list(whole)
    assert records == whole


def test_an_edit_rewrites_only_the_file_of_its_issue_folder(built: Path) -> None:
    before = record_files(built)
    assert len(before) > 1
    file = built / "content/2024-05-02/market.md"
    file.write_text(file.read_text(encoding="utf-8") + "\n补记。\n", encoding="utf-8")
    build(built)
    after = record_files(built)
    assert after.keys() == before.keys()
    changed = [name for name in after if after[name] != before[name]]
    assert changed == [f"{records_file('content/2024-05-02/market.md')}.pickle"]
    assert BuildState(built).records()["content/2024-05-02/market.md"].size == file.stat().st_size


def test_a_build_that_reads_no_article_anew_rewrites_no_records(built: Path) -> None:
    before = record_files(built)
    index = (built / CACHE_DIR / f"{RECORDS_INDEX}.pickle").stat().st_ino
    (built / "assets").mkdir(exist_ok=True)
    (built / "assets/extra.txt").write_text("新\n", encoding="utf-8")  # the build runs
    build(built)
    assert (built / "public/assets/extra.txt").exists()
    assert record_files(built) == before
    assert (built / CACHE_DIR / f"{RECORDS_INDEX}.pickle").stat().st_ino == index


def test_a_deleted_issue_folder_loses_its_records(built: Path) -> None:
    gone = f"{records_file('content/2024-05-16/preview.md')}.pickle"
    assert gone in record_files(built)
    shutil.rmtree(built / "content/2024-05-16")
    build(built)
    records = BuildState(built).records()
    assert records
    assert not any(path.startswith("content/2024-05-16/") for path in records)
    assert record_files(built).keys() == expected_files(built)
    assert gone not in record_files(built)  # it held no other issue folder


def test_records_of_another_tool_version_are_replaced_and_stale_ones_removed(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bulletin_ssg.cache as cache

    shutil.rmtree(built / "content/2024-05-16")
    older = built / CACHE_DIR / "articles-0123456789abcdef.pickle"  # as files were once named
    older.write_bytes(b"records of an older version")
    monkeypatch.setattr(cache, "tool_fingerprint", lambda: b"another version")
    build(built)
    records = BuildState(built).records()  # readable by this version
    assert records
    assert not any(path.startswith("content/2024-05-16/") for path in records)
    assert record_files(built).keys() == expected_files(built)


def test_a_damaged_records_file_loses_only_its_records(built: Path) -> None:
    before = BuildState(built).records()
    damaged = records_file("content/2024-05-02/market.md")
    data = bytearray((built / CACHE_DIR / f"{damaged}.pickle").read_bytes())
    data[len(data) // 2] ^= 1
    (built / CACHE_DIR / f"{damaged}.pickle").write_bytes(bytes(data))
    records = BuildState(built).records()
    assert records.keys() == {path for path in before if records_file(path) != damaged}
    assert all(records[path] == before[path] for path in records)
    (built / "assets").mkdir(exist_ok=True)
    (built / "assets/extra.txt").write_text("新\n", encoding="utf-8")  # the build runs
    build(built)  # reads that issue folder's files again, and saves their records
    assert BuildState(built).records() == before


def test_the_dev_server_saves_records_once(built: Path) -> None:
    state = BuildState(built, save_every_build=False)
    file = built / "content/2024-05-09/editorial.md"
    file.write_text(file.read_text(encoding="utf-8") + "\n补记。\n", encoding="utf-8")
    build_site(built, built / "public", environ={}, state=state)
    first = record_files(built)
    assert state.records()["content/2024-05-09/editorial.md"].size == file.stat().st_size
    assert BuildState(built).records() == state.records()
    file = built / "content/2024-05-02/market.md"
    file.write_text(file.read_text(encoding="utf-8") + "\n补记。\n", encoding="utf-8")
    build_site(built, built / "public", environ={}, state=state)
    assert record_files(built) == first
    assert state.records()["content/2024-05-02/market.md"].size == file.stat().st_size


def edit(site: Path, path: str, words: str = "补记。") -> None:
    file = site / "content" / path
    file.write_text(file.read_text(encoding="utf-8") + f"\n{words}\n", encoding="utf-8")


def output_entries(site: Path) -> dict[str, int]:
    """The cache files of what was published, each with its inode (a rewrite gives a new one)."""
    return {p.name: p.stat().st_ino for p in sorted((site / CACHE_DIR).glob("output-*"))}


def without_search(site: Path) -> None:
    """An edit then changes a few files, not the search index's many."""
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "search: false\n", encoding="utf-8")
    build(site)


def test_after_an_edit_only_the_changes_of_what_was_published_are_saved(built: Path) -> None:
    without_search(built)
    out = built / "public"
    today = date(2024, 6, 1)
    edit(built, "2024-05-09/editorial.md")
    build_site(built, out, environ={}, today=today)  # may save it whole: files in another order
    whole = {name: ino for name, ino in output_entries(built).items() if "-changes" not in name}
    state = BuildState(built)
    edit(built, "2024-05-02/market.md")
    build_site(built, out, environ={}, state=state, today=today)
    entries = output_entries(built)
    assert {name: entries[name] for name in whole} == whole  # not rewritten
    changes_file = built / CACHE_DIR / next(n for n in entries if n.endswith("-changes.pickle"))
    whole_file = built / CACHE_DIR / next(iter(whole))
    assert changes_file.stat().st_size < whole_file.stat().st_size
    loaded = BuildState(built)
    assert loaded._output(out) == state._output(out)  # the entry saved whole and its changes
    assert loaded.unchanged(out, state_inputs(built, loaded, today)) is not None


def state_inputs(site: Path, state: BuildState, today: date) -> Inputs:
    """The inputs a build of `site` into public/ on `today` would see now."""
    options = (False, False, None, False, today, "")
    return input_fingerprint(
        site, site / "public", options, state, layout_dirs=layout_dirs(site),
        asset_dirs=asset_dirs(site), content_dir=site / "content",
    )  # fmt: skip


def test_changes_saved_for_an_older_entry_are_not_applied_to_a_newer_one(built: Path) -> None:
    without_search(built)
    out = built / "public"
    edit(built, "2024-05-09/editorial.md")
    build(built)
    edit(built, "2024-05-02/market.md")
    build(built)
    changes_file = next((built / CACHE_DIR).glob("output-*-changes.pickle"))
    kept = changes_file.read_bytes()
    state = BuildState(built)
    entry = state._output(out)
    assert entry is not None
    state._saved_outputs.clear()  # nothing saved whole known: saved whole again
    state._save_output(_output_key(out), replace(entry, inputs=b"newer"))
    assert not changes_file.exists()  # the changes of the entry before are gone
    changes_file.write_bytes(kept)  # and if they come back, they are not applied
    assert BuildState(built)._output(out) == replace(entry, inputs=b"newer")


@pytest.mark.parametrize("relative", [False, True], ids=["absolute", "relative"])
def test_scan_lists_every_file_by_its_path_from_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relative: bool
) -> None:
    (tmp_path / "content/2024-05-02/bundle").mkdir(parents=True)
    (tmp_path / "content/2024-05-02/a.md").write_text("甲", encoding="utf-8")
    (tmp_path / "content/2024-05-02/bundle/index.md").write_text("ab", encoding="utf-8")
    (tmp_path / "content/issue.yaml").write_text("", encoding="utf-8")
    if relative:
        monkeypatch.chdir(tmp_path)
    root = Path(".") if relative else tmp_path
    found = scan(root, root / "content")
    assert [(path, size) for path, size, _ in found] == [
        ("content/2024-05-02/a.md", 3),
        ("content/2024-05-02/bundle/index.md", 2),
        ("content/issue.yaml", 0),
    ]
    assert all(mtime > 0 for _, _, mtime in found)


DAY = date(2024, 5, 2)
SETTINGS = b"s" * 16


def article(path: str, **changes: Any) -> Article:
    values: dict[str, Any] = {
        "source": Location(path, 1),
        "issue_date": DAY,
        "slug": path.rsplit("/", 1)[-1].removesuffix(".md"),
        "section": "focus",
        "title": "春耕",
        "html": "<p>正文</p>\n",
        "summary": "正文",
        "characters": 2,
    }
    return Article(**{**values, **changes})


def record(path: str, made: Article | None = None, **changes: Any) -> ArticleRecord:
    """An article's record as a build leaves it (`made`: its article, if it has no errors)."""
    front = ({"title": "春耕", "section": "focus", "authors": ["曲宏"]}, {"title": 2}, "", 5)
    outcome = RenderOutcome(path=path, article=made, diagnostics=(), resolved={}, measured={})
    values: dict[str, Any] = {
        "size": 120,
        "mtime_ns": 1_714_600_000_123_456_789,
        "digest": b"d" * 16,
        "front": front,
        "problem": None,
        "rendered_for": (SETTINGS, outcome.path.rsplit("/", 1)[-1], DAY),
        "outcome": outcome,
        "fingerprint": b"f" * 16,
    }
    return ArticleRecord(**{**values, **changes})


def round_trips(records: dict[str, ArticleRecord], tmp_path: Path) -> str:
    """Pack `records`, save and load them through the cache, and check they come back equal;
    gives how they were packed."""
    packed = pack(records)
    cache = Cache(tmp_path / "cache", key=b"k" * 32)
    cache.save("records", packed)
    assert unpack(cache.load("records")) == records
    assert unpack(pickle.loads(pickle.dumps(packed, protocol=5))) == records  # the text in band
    assert unpack(packed) == records
    return packed[0]


def test_records_of_every_shape_are_packed_as_columns_and_load_back_equal(
    tmp_path: Path,
) -> None:
    full = article(
        "content/2024-05-02/b.md",
        kicker="引题", subtitle=None, byline="本报记者 曲宏", authors=("曲宏", "李四"),
        order=2, summary_given=True, tags=("农业",), draft=True,
        html="<h2 id=\"a\">一</h2>\n<p>\0 😀 <a href=\"../x/\">x</a></p>\n",
        headings=(Heading(level=2, text="一", anchor="a"),),
        links=(Link(target="../x.md", line=7), Link(target="p.png", line=9, is_image=True)),
        extra=MappingProxyType({"cover": "p.png", "counts": [1, 2], "when": DAY}),
    )  # fmt: skip
    linked = replace(
        record("content/2024-05-02/b.md", full),
        outcome=RenderOutcome(
            path="content/2024-05-02/b.md", article=full, diagnostics=(),
            resolved={"../x.md": "/issues/2024-05-09/x/", "gone.md": None},
            measured={"p.png": (640, 480), "q.png": None},
        ),
    )  # fmt: skip
    failed = record(
        "content/2024-05-02/c.md",
        None,
        outcome=RenderOutcome(
            path="content/2024-05-02/c.md", article=None, measured={}, resolved={},
            diagnostics=(error("no title", Location("content/2024-05-02/c.md", 2)),),
        ),
    )  # fmt: skip
    unreadable = ArticleRecord(
        size=3, mtime_ns=4, digest=b"", front=None,
        problem=error("not valid UTF-8", Location("content/2024-05-02/d.md", 1)),
    )  # fmt: skip
    issue = ArticleRecord(
        size=20, mtime_ns=5, digest=b"i" * 16, front=({"number": 7}, {"number": 1}, "", 1),
        problem=None,
    )  # fmt: skip
    plain = article("content/2024-05-02/a.md")
    records = {
        "content/2024-05-02/a.md": record("content/2024-05-02/a.md", plain),
        "content/2024-05-02/b.md": linked,
        "content/2024-05-02/c.md": failed,
        "content/2024-05-02/d.md": unreadable,
        "content/2024-05-02/issue.yaml": issue,
    }  # fmt: skip
    assert round_trips(records, tmp_path) == "columns"
    assert round_trips({}, tmp_path) == "columns"
    english = {"content/2024-05-02/a.md": record("content/2024-05-02/a.md", article(
        "content/2024-05-02/a.md", html="<p>Plain text, mostly ASCII: café.</p>\n"))}  # fmt: skip
    assert round_trips(english, tmp_path) == "columns"
    surrogate = article("content/2024-05-02/a.md", html="<p>\ud800</p>")  # cannot be encoded
    assert round_trips({"a": record("a", surrogate)}, tmp_path) == "columns"


def test_values_the_columns_cannot_hold_are_kept_as_they_are(tmp_path: Path) -> None:
    front = ({1: "一"}, {1: 2}, "", 3)
    other = ({True: "是"}, {True: 2}, "", 3)  # equal to 1, as a key: must stay True
    records = {"a": record("a", front=front), "b": record("b", front=other)}
    assert round_trips(records, tmp_path) == "plain"
    loaded = unpack(pickle.loads(pickle.dumps(pack(records), protocol=5)))
    assert loaded is not None
    front_b = loaded["b"].front
    assert front_b is not None
    assert [type(key) for key in front_b[0]] == [bool]
    odd = {"a": record("a", size=True), "b": record("b", rendered_for=(SETTINGS, "b"))}
    assert unpack(pickle.loads(pickle.dumps(pack(odd), protocol=5))) == odd


@pytest.mark.parametrize(
    "packed",
    [None, "columns", ("columns", None), ("columns", (["a"], [])), ("plain", ["a"]), ("x", {})],
)
def test_what_pack_did_not_make_unpacks_as_nothing(packed: object) -> None:
    assert unpack(packed) is None


@pytest.mark.parametrize("forking", [True, False], ids=["in-another-process", "here"])
def test_many_files_of_records_are_written_on_the_side_and_load_back(
    forking: bool, sample_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bulletin_ssg import build as build_module
    from bulletin_ssg import workers

    monkeypatch.setattr(build_module, "RECORDS_ON_THE_SIDE", 1)
    monkeypatch.setattr(workers, "can_fork", lambda: forking)  # see tests/test_workers.py
    shutil.rmtree(sample_site / CACHE_DIR, ignore_errors=True)
    first = build_site(sample_site, sample_site / "public", environ={})
    assert record_files(sample_site).keys() == expected_files(sample_site)
    assert len(BuildState(sample_site).records()) > first.articles
    file = sample_site / "content/2024-05-02/market.md"
    file.write_text(file.read_text(encoding="utf-8") + "\n补记。\n", encoding="utf-8")
    again = build_site(sample_site, sample_site / "public", environ={})
    assert again.parsed == 1


def test_rendered_articles_go_between_processes_as_columns() -> None:
    from bulletin_ssg.records import Outcomes

    full = article(
        "content/2024-05-02/b.md", authors=("曲宏",), tags=("农业",),
        headings=(Heading(level=2, text="一", anchor="a"),),
        links=(Link(target="p.png", line=3, is_image=True),),
    )  # fmt: skip
    outcomes = [
        RenderOutcome(
            path="content/2024-05-02/b.md", article=full, diagnostics=(),
            resolved={"../x.md": "/issues/2024-05-09/x/"}, measured={"p.png": (640, 480)},
        ),
        RenderOutcome(
            path="content/2024-05-02/c.md", article=None, resolved={}, measured={},
            diagnostics=(error("no title", Location("content/2024-05-02/c.md", 2)),),
        ),
    ]  # fmt: skip
    packed = Outcomes(outcomes)
    assert packed.__reduce__()[0] is not Outcomes  # columns, not the list as it is
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):  # a spawned pool's is the default
        back = pickle.loads(pickle.dumps(packed, protocol=protocol))
        assert type(back) is Outcomes and back == outcomes
    odd = [replace(outcomes[0], resolved={True: "是"})]  # a key the columns cannot keep as True
    again = pickle.loads(pickle.dumps(Outcomes(odd), protocol=pickle.HIGHEST_PROTOCOL))
    assert again == odd and [type(key) for key in again[0].resolved] == [bool]
