"""The shared scorer run over the parsers, end to end through `citywatch parse`.

Four gold sets: the five seeds as their text copies, the same seeds as their HTML/PDF rebuilds
in tests/sites (a temporary gold file whose keys point at the rebuilt files), the sixty-eight
development pages, and the national register's labelled pages (which name their own local
government, so their command takes no `--city`). The material lives in ../shared beside the
repository; without it these tests skip with the reason, except under CI=true, where they fail.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SCORER = SHARED / "tools" / "score_records.py"
SEEDS_GOLD = SHARED / "gold" / "seeds.json"
DEV_GOLD = SHARED / "dev" / "gold.json"
REGISTER_GOLD = SHARED / "dev" / "register.json"
SITES = REPO / "tests" / "sites"
PARSE = (
    f"{shlex.quote(sys.executable)} -m scheduler.cli parse {{page}} --site {{site}} "
    "--url {url} --city {city} --format json"
)
SUMMARY = re.compile(r"required recall ([\d.]+) .*precision ([\d.]+) .*pages failed (\d+)")

pytestmark = pytest.mark.slow


def _need(*paths: Path) -> None:
    missing = [str(p) for p in paths if not p.exists()]
    if not missing:
        return
    reason = f"shared scoring material absent: {', '.join(missing)}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: scoring tests must run)")
    pytest.skip(reason)


def _score(gold: Path, *extra: str, cmd: str = PARSE) -> tuple[float, float, int, str]:
    run = subprocess.run(
        [sys.executable, str(SCORER), str(gold), "--cmd", cmd, *extra],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    match = SUMMARY.search(run.stdout)
    assert match, f"scorer printed no summary:\n{run.stdout}\n{run.stderr}"
    return float(match.group(1)), float(match.group(2)), int(match.group(3)), run.stdout


def test_seed_text_copies_score_full_recall() -> None:
    _need(SCORER, SEEDS_GOLD)
    recall, precision, failed, report = _score(SEEDS_GOLD)
    assert failed == 0, report
    assert recall >= 1.0, report
    assert precision >= 0.9, report


def test_seed_rebuilds_score_full_recall(tmp_path: Path) -> None:
    _need(SCORER, SEEDS_GOLD, SITES / "manifest.toml")
    gold = json.loads(SEEDS_GOLD.read_text(encoding="utf-8"))
    manifest = tomllib.loads((SITES / "manifest.toml").read_text(encoding="utf-8"))
    pages = {}
    for entry in manifest["page"]:
        seed = entry.get("seed")
        if seed in gold["pages"]:
            page = dict(gold["pages"][seed])
            page["url"] = f"https://{entry['path']}"
            page["city"] = entry["city"]
            pages[str(SITES / entry["path"])] = page
    assert set(gold["pages"]) == {
        e["seed"] for e in manifest["page"] if e.get("seed") in gold["pages"]
    }, "every seed needs its rebuild in tests/sites"
    rebuilt = tmp_path / "rebuilt.json"
    rebuilt.write_text(json.dumps({"pages": pages}, ensure_ascii=False), encoding="utf-8")
    recall, precision, failed, report = _score(rebuilt, "--pages", "/")
    assert failed == 0, report
    assert recall >= 1.0, report
    assert precision >= 0.9, report


# Where the development set stands: a ratchet, raised whenever the parsers improve, so no change
# can lose ground unnoticed. The targets (required recall 0.95, precision 0.9 on the dev
# set) are met; the floor is what the parsers reach today. The dev set is a sample, never the
# goal: pages kept back score lower (see the issue notes).
DEV_RECALL_FLOOR = 0.98
DEV_PRECISION_FLOOR = 0.94


def test_development_pages_hold_their_ground() -> None:
    _need(SCORER, DEV_GOLD)
    recall, precision, failed, report = _score(DEV_GOLD)
    assert failed == 0, report
    assert recall >= DEV_RECALL_FLOOR, report
    assert precision >= DEV_PRECISION_FLOOR, report


def test_the_registers_labelled_pages_score_full_recall() -> None:
    _need(SCORER, REGISTER_GOLD)
    no_city = PARSE.replace(" --city {city}", "")
    recall, precision, failed, report = _score(REGISTER_GOLD, "--jobs", "2", cmd=no_city)
    assert failed == 0, report
    assert recall >= 1.0, report
    assert precision >= 0.95, report


# The composed corpora of pages in forms the parsers were not written against (tests/corpus,
# README there): where each stands now, as floors (required recall, precision).
CORPUS_FLOORS = {
    "a": (0.97, 0.90),
    "b": (0.91, 0.95),
    "c": (0.95, 0.94),
    "d": (0.92, 0.94),
    "e": (0.97, 0.87),
    "f": (0.62, 0.65),
    "g": (0.72, 0.80),
    "j": (0.66, 0.68),
    "l": (0.75, 0.82),
    "m": (0.78, 0.82),
    "n": (0.78, 0.65),
    "o": (0.69, 0.72),
    "q": (0.82, 0.90),
    "s": (0.90, 0.87),
    "t": (0.78, 0.87),
    "u": (0.79, 0.84),
    "v": (0.68, 0.80),
    "w": (0.72, 0.73),
    "x": (0.68, 0.77),
    "z": (0.75, 0.74),
}


@pytest.mark.parametrize("name", sorted(CORPUS_FLOORS))
def test_composed_corpora_hold_their_ground(name: str) -> None:
    gold = REPO / "tests" / "corpus" / name / "gold.json"
    _need(SCORER)
    recall, precision, failed, report = _score(
        gold, "--pages", str(gold.parent / "pages"), "--jobs", "2"
    )
    floor_recall, floor_precision = CORPUS_FLOORS[name]
    assert failed == 0, report
    assert recall >= floor_recall, report
    assert precision >= floor_precision, report
