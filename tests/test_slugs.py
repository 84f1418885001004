from __future__ import annotations

import subprocess
import sys

import pytest

from bulletin_ssg.slugs import is_valid_slug, slugify


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("产业联合党委", "chan-ye-lian-he-dang-wei"),
        ("如何让干部更接地气", "ru-he-rang-gan-bu-geng-jie-di-qi"),
        ("沈阳市“红星贷”助力", "shen-yang-shi-hong-xing-dai-zhu-li"),
        ("Hello, World!", "hello-world"),
        ("2023年报告", "2023-nian-bao-gao"),
        ("Café 咖啡", "cafe-ka-fei"),
        ("🎉！", ""),
    ],
    ids=["chinese", "question", "quotes", "latin", "digits", "accents", "nothing-left"],
)
def test_slugify(text: str, expected: str) -> None:
    assert slugify(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  a--b__c  ", "a-b-c"),
        ("2023 Report (final)", "2023-report-final"),
        ("a\nb\tc", "a-b-c"),
        ("", ""),
        ("!?", ""),
    ],
    ids=["separators", "digits", "whitespace", "empty", "punctuation"],
)
def test_slugify_of_ascii_is_what_pypinyin_would_give(text: str, expected: str) -> None:
    """ASCII names skip pypinyin, which hands ASCII back whole: the slug is the same."""
    from pypinyin import Style, lazy_pinyin

    assert "".join(lazy_pinyin(text, style=Style.NORMAL, errors="default")) == text
    assert slugify(text) == expected


@pytest.mark.parametrize(
    ("text", "imported"),
    [("Hello, World", False), ("产业联合党委", True)],
    ids=["ascii", "chinese"],
)
def test_pypinyin_is_imported_only_for_names_that_need_it(text: str, imported: bool) -> None:
    code = (
        "import sys\n"
        "from bulletin_ssg.slugs import slugify\n"
        f"slugify({text!r})\n"
        "print('pypinyin' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == str(imported)


def test_slugify_trims_on_a_word_boundary() -> None:
    slug = slugify(
        "桓仁县提升党员干部生态系统服务能力以党建加生态文明建设为工作理念", max_length=30
    )
    assert len(slug) <= 30
    assert not slug.endswith("-")
    assert slugify("桓仁县提升党员干部生态系统服务能力").startswith(slug[:10])


@pytest.mark.parametrize(
    ("slug", "valid"),
    [
        ("a", True),
        ("ab-c_d9", True),
        ("9to5", True),
        ("", False),
        ("..", False),
        ("../etc", False),
        ("A", False),
        ("a b", False),
        ("-a", False),
        ("中文", False),
    ],
    ids=[
        "letter",
        "mixed",
        "digit-first",
        "empty",
        "dots",
        "escape",
        "upper",
        "space",
        "dash-first",
        "chinese",
    ],
)
def test_is_valid_slug(slug: str, valid: bool) -> None:
    assert is_valid_slug(slug) is valid
