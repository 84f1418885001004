"""Short summaries from plain text: cut on a sentence boundary, never inside quotes or brackets.

Pure text in, text out; no Markdown, no HTML, no third-party imports.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"
_PAIRS = {
    "“": "”",
    "‘": "’",
    "「": "」",
    "『": "』",
    "《": "》",
    "〈": "〉",
    "（": "）",
    "【": "】",
    "(": ")",
    '"': '"',
}
_CLOSERS = frozenset(_PAIRS.values())
_TRAILING_CLOSERS = "”’」』》〉）】)"
# A sentence end, with the closing quotes and brackets right after it (`。”`). A Latin period
# counts only before whitespace or the end, so that `3.5` and `www.example.cn` are not ends.
_STRONG = re.compile(
    rf"(?:[。！？!?]+|\.(?=[{_TRAILING_CLOSERS}\"]*(?:\s|$)))[{_TRAILING_CLOSERS}]*"
)
_WEAK = re.compile(r"[；;]")
_ENDS_SENTENCE = re.compile(rf"[。！？!?.…][{_TRAILING_CLOSERS}\"]*$")
_SENTENCE_ENDERS = "。！？!?"
# What a cut made before an opener or at a clause end should not end with.
_DANGLING = " \t\n，、：；,:;—-"


def summarize(text: str, limit: int = 120) -> str:
    """`text` stripped when at most `limit` characters; else cut near `limit` on a sentence end.

    The result can be longer than `limit` (up to about 1.5 × `limit`) when that finishes the
    sentence or closes a quotation. It ends with `…` whenever it does not end a sentence.
    """
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = _choose_cut(text, limit)
    opened = _unclosed(text, 0, cut, [])
    if not opened:
        return _finish(text, cut)
    end = _closing_end(text, cut, opened, int(limit * 1.5))
    if end is not None:
        return _finish(text, end)
    before_opener = opened[0][0]
    if before_opener >= limit // 2:
        return _finish(text, before_opener)
    # The quotation starts too early and ends too late: cut inside it and close it ourselves.
    piece = text[: _hard_cut(text, limit)].rstrip(_DANGLING + "".join(_PAIRS))
    still_open = _unclosed(piece, 0, len(piece), [])
    return piece + ELLIPSIS + "".join(_PAIRS[opener] for _, opener in reversed(still_open))


def _choose_cut(text: str, limit: int) -> int:
    """Where to cut: the best sentence end, else a clause end (`；`), else `limit` itself."""
    latest, furthest = int(limit * 1.2), int(limit * 1.5)
    strong = [m.end() for m in _STRONG.finditer(text) if m.end() <= furthest]
    weak = [m.end() for m in _WEAK.finditer(text) if m.end() <= furthest]
    for ends in (strong, weak):
        before = [end for end in ends if limit / 2 <= end <= latest]
        if before:
            return before[-1]
    for ends in (strong, weak):
        after = [end for end in ends if limit < end <= furthest]
        if after:
            return after[0]
    return _hard_cut(text, limit)


def _hard_cut(text: str, limit: int) -> int:
    """`limit`, or the start of the Latin word or number that `limit` would split."""
    start = limit
    while start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
        start -= 1
    if start == limit:
        return limit
    while start > 0 and _is_word_char(text[start - 1]):
        start -= 1
    return start if start >= limit // 2 else limit


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _unclosed(
    text: str, start: int, stop: int, stack: list[tuple[int, str]]
) -> list[tuple[int, str]]:
    """Openers (position, character) in `text[start:stop]` still open at `stop`, outermost first."""
    for position in range(start, stop):
        char = text[position]
        if stack and char == _PAIRS[stack[-1][1]]:
            stack.pop()
        elif char in _PAIRS and (char != '"' or not any(o == '"' for _, o in stack)):
            stack.append((position, char))
        elif char in _CLOSERS:
            _close_deeper(stack, char)
    return stack


def _close_deeper(stack: list[tuple[int, str]], closer: str) -> None:
    """A closer for an opener below the top closes it and everything opened inside it."""
    for depth in range(len(stack) - 1, -1, -1):
        if _PAIRS[stack[depth][1]] == closer:
            del stack[depth:]
            return


def _closing_end(text: str, cut: int, opened: list[tuple[int, str]], furthest: int) -> int | None:
    """The position just after the closer of every opener in `opened`, if within `furthest`."""
    stack = list(opened)
    for position in range(cut, min(len(text), furthest)):
        _unclosed(text, position, position + 1, stack)
        if not stack:
            end = position + 1
            while end < len(text) and end < furthest and text[end] in _SENTENCE_ENDERS:
                end += 1
            return end
    return None


def _finish(text: str, cut: int) -> str:
    """`text[:cut]`, with `…` unless it is the whole text or ends a sentence."""
    piece = text[:cut].rstrip()
    if cut >= len(text) or _ENDS_SENTENCE.search(piece):
        return piece
    return piece.rstrip(_DANGLING) + ELLIPSIS
