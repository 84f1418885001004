from __future__ import annotations

import json
import queue

import pytest

from bulletin_ssg.errors import Location, error, warning
from bulletin_ssg.livereload import LIVE_SCRIPT, Hub, error_items, script_tag, sse


def drain(stream: queue.SimpleQueue[bytes | None]) -> list[bytes | None]:
    found: list[bytes | None] = []
    while not stream.empty():
        found.append(stream.get_nowait())
    return found


@pytest.mark.parametrize(
    ("data", "event", "expected"),
    [
        ("reload", None, b"data: reload\n\n"),
        ("abc.1", "hello", b"event: hello\ndata: abc.1\n\n"),
        ('["\u6587"]', "errors", 'event: errors\ndata: ["\u6587"]\n\n'.encode()),
    ],
    ids=["message", "named-event", "utf8"],
)
def test_sse_format(data: str, event: str | None, expected: bytes) -> None:
    assert sse(data, event) == expected


def test_error_items_keep_errors_with_location_and_hint() -> None:
    diagnostics = [
        error("'title': got 3, expected text", Location("content/2023-02-16/a.md", 3)),
        warning("no summary", Location("content/2023-02-16/b.md", 1)),
        error("site.yaml is missing", None, "run bulletin init"),
    ]
    assert error_items(diagnostics) == [
        {"text": "content/2023-02-16/a.md:3: 'title': got 3, expected text", "hint": None},
        {"text": "site.yaml is missing", "hint": "run bulletin init"},
    ]


def test_new_stream_starts_with_the_build_token() -> None:
    hub = Hub("t0k")
    assert hub.build == "t0k.0"
    assert drain(hub.subscribe()) == [b"event: hello\ndata: t0k.0\n\n"]


def test_successful_rebuild_reloads_every_page_and_names_a_new_build() -> None:
    hub = Hub("t0k")
    pages = [hub.subscribe(), hub.subscribe()]
    for page in pages:
        drain(page)
    hub.publish([warning("no summary", Location("content/a.md", 1))])
    assert [drain(page) for page in pages] == [[b"data: reload\n\n"]] * 2
    assert hub.build == "t0k.1"


def test_failed_rebuild_sends_errors_and_keeps_the_build() -> None:
    hub = Hub("t0k")
    page = hub.subscribe()
    drain(page)
    hub.publish([error("bad <b>&</b>", Location("content/a.md", 2))])
    [message] = drain(page)
    assert message is not None
    head, data = message.decode().rstrip("\n").split("\n")
    assert head == "event: errors"
    assert json.loads(data.removeprefix("data: ")) == [
        {"text": "content/a.md:2: bad <b>&</b>", "hint": None}
    ]
    assert hub.build == "t0k.0"


def test_page_opened_while_broken_gets_the_errors_and_fix_clears_them() -> None:
    hub = Hub("t0k")
    hub.publish([error("bad", Location("content/a.md", 2))])
    late = hub.subscribe()
    assert [m.split(b"\n")[0] if m else m for m in drain(late)] == [
        b"event: hello",
        b"event: errors",
    ]
    hub.publish([])
    assert drain(late) == [b"data: reload\n\n"]
    assert drain(hub.subscribe()) == [b"event: hello\ndata: t0k.1\n\n"]


def test_close_ends_streams_now_and_later() -> None:
    hub = Hub("t0k")
    page = hub.subscribe()
    drain(page)
    hub.close()
    assert drain(page) == [None]
    assert drain(hub.subscribe())[-1] is None


def test_unsubscribed_stream_gets_nothing() -> None:
    hub = Hub("t0k")
    page = hub.subscribe()
    drain(page)
    hub.unsubscribe(page)
    hub.publish([])
    assert drain(page) == []


def test_script_tag_and_script() -> None:
    assert script_tag("t0k.3") == (
        b'<script src="/__bulletin/live.js" data-build="t0k.3"></script>'
    )
    assert b"/__bulletin/events" in LIVE_SCRIPT
    # The overlay shows user text, so it must be set as text, never parsed as HTML.
    assert b"innerHTML" not in LIVE_SCRIPT and b"insertAdjacentHTML" not in LIVE_SCRIPT
    assert b"textContent" in LIVE_SCRIPT
