"""Any sequence of checks: the events, versions and as-of answers match a plain replay.

Every example writes to its own watch (and its own keys) in one database per backend, so the
examples share the database but nothing in it.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citywatch.model import Record
from snapshots import Store
from tests.support.db import (  # noqa: F401  (fixtures)
    PageFeed,
    pg_schema_url,
    store_url,
    visit,
)

_watches = itertools.count()

# A step: None = failed, () or a tuple of (slot, variant) pairs = changed page, "same" = unchanged.
_page = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 2)), max_size=6, unique_by=lambda p: p[0]
).map(tuple)
_step = st.one_of(_page, st.none(), st.just("same"))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:  # noqa: F811
    with Store(store_url) as opened:
        yield opened


def _records(watch: str, page: tuple[tuple[int, int], ...]) -> dict[str, Record]:
    out = {}
    for slot, variant in page:
        key = f"{watch}-{slot}"
        out[key] = visit(key, f"2023-0{variant + 1}-01", summary="x" * variant)
    return out


def _expected(before: dict[str, Record], now: dict[str, Record], texts_differ: bool) -> Counter:
    if before and not now:
        return Counter({"layout_changed": 1})
    kinds: Counter[str] = Counter()
    for key in now:
        if key not in before:
            kinds["record_added"] += 1
        elif before[key] != now[key]:
            kinds["record_changed"] += 1
    kinds["record_removed"] = sum(1 for key in before if key not in now)
    kinds = +kinds
    return kinds if kinds or not texts_differ else Counter({"page_changed": 1})


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(_step, min_size=1, max_size=12))
def test_history_matches_a_replay(store: Store, steps: list) -> None:
    watch = f"w{next(_watches)}"
    feed = PageFeed(watch_id=watch, url=f"https://example.org/{watch}")
    shown: dict[str, Record] = {}
    text: str | None = None
    states: list[tuple[int, dict[str, Record]]] = []  # (check id, records valid from then)
    versions_made: Counter[str] = Counter()
    baseline, failures = True, 0
    for step in steps:
        if step is None:
            outcome = store.record_check(feed.failed())
            assert [e.kind for e in outcome.events] == ["page_failed"]
            failures += 1
            continue
        recovered = Counter({"page_recovered": 1}) if failures >= 3 else Counter()
        failures = 0
        if step == "same":
            outcome = store.record_check(feed.unchanged())
            assert Counter(e.kind for e in outcome.events) == recovered
            states.append((outcome.check_id, shown))
            continue
        now = _records(watch, step)
        new_text = "\n".join(sorted(now))
        outcome = store.record_check(feed.changed(*now.values(), text=new_text, baseline=baseline))
        want = _expected(shown, now, text is not None and text != new_text) + recovered
        assert Counter(e.kind for e in outcome.events if not e.kind.startswith("event_")) == want
        assert all(e.baseline == baseline for e in outcome.events)
        for key in now:
            if key not in shown or shown[key] != now[key]:
                versions_made[key] += 1
        shown, text, baseline = now, new_text, False
        states.append((outcome.check_id, now))

    assert {r.key: r.record for r in store.current_records(watch=watch)} == shown
    finished = {c.id: c.finished_at for c in store.checks(watch)}
    for check_id, records in states:
        as_of = store.records_as_of(finished[check_id], watch=watch)
        assert {r.key: r.record for r in as_of} == records
    for key, count in versions_made.items():
        history = store.history(key)
        assert [v.version for v in history] == list(range(1, count + 1))
        assert all(a.valid_to is not None for a in history[:-1])
        assert all(
            a.valid_to is not None and a.valid_to <= b.valid_from
            for a, b in itertools.pairwise(history)
        )
