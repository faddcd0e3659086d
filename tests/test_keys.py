"""Record keys stay when records are added around them: visits received all happen in the home
city, so they share everything a key hashes but their dates."""

from __future__ import annotations

from citywatch.model import Place, Visit
from parsers.extract.keys import assign_keys

URL = "https://example.org/receptions"
HOME = (Place("さいたま", "JP"),)


def _received(start: str, end: str | None = None) -> Visit:
    return Visit("inbound", start=start, end=end or start, places=HOME)


def _keys(*visits: Visit) -> dict[str | None, str]:
    return {v.start: v.key for v in assign_keys(list(visits), URL)}


def test_a_record_added_before_after_or_between_moves_no_other_key() -> None:
    march, june = _received("2024-03-05"), _received("2024-06-10")
    before = _keys(june, march)  # newest first, as pages list them
    assert len(set(before.values())) == 2
    between = _keys(june, _received("2024-04-20"), march)
    after = _keys(_received("2024-09-01"), june, march)
    assert between["2024-03-05"] == after["2024-03-05"] == before["2024-03-05"]
    assert between["2024-06-10"] == after["2024-06-10"] == before["2024-06-10"]


def test_the_earliest_keeps_the_key_it_had_alone_and_a_corrected_end_keeps_keys() -> None:
    alone = _keys(_received("2024-03-05"))
    assert (
        _keys(_received("2024-06-10"), _received("2024-03-05"))["2024-03-05"]
        == (alone["2024-03-05"])
    )
    trip = Visit("outbound", start="2024-05-10", end="2024-05-13", places=(Place("X", "DE"),))
    moved = Visit("outbound", start="2024-05-10", end="2024-05-14", places=(Place("X", "DE"),))
    assert assign_keys([trip], URL)[0].key == assign_keys([moved], URL)[0].key


def test_records_of_one_day_are_still_told_apart() -> None:
    keys = assign_keys(
        [_received("2024-06-10"), _received("2024-06-10"), _received("2024-06-10")], URL
    )
    assert len({v.key for v in keys}) == 3
