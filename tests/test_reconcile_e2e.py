"""`citywatch reconcile` end to end: crawl the local copy of the bundled sites and of the
register (served on loopback), then the register and the cities' own pages agree on one
programme (Saitama's with Kuala Lumpur: 2022-04 and 2022-04-01), disagree on another
(Yokohama's with Bangkok: 2013 and 2014-10-08), and the register alone knows others; in table
and JSON."""

from __future__ import annotations

from tests.support.e2e import LocalSites, cli_json, run_cli


def test_the_register_and_the_cities_pages_reconciled(local_sites: LocalSites) -> None:
    report = local_sites.crawl()
    assert report.failed == 0, report.to_dict()["errors"]
    done, data = cli_json("reconcile", "--db", local_sites.db_url, "--format", "json")
    assert done.returncode == 0, done.stderr
    by = {(r["city"], r["status"]): r for r in data}
    agree = by[("saitama", "agree")]
    assert [s["start"] for s in agree["register"]] == ["2022-04-01"]
    assert [s["start"] for s in agree["city_pages"]] == ["2022-04"]
    disagree = by[("yokohama", "disagree")]
    [start] = disagree["disagreements"]
    assert (start["field"], start["register"], start["city"]) == ("start", "2014-10-08", "2013")
    assert "www.clair.or.jp" in start["register_url"]
    assert "www.city.yokohama.lg.jp" in start["city_url"]
    assert all("prtimes" not in s["url"] for s in disagree["city_pages"])  # neither side
    assert ("saitama", "register-only") in by and ("hyogo-pref", "register-only") in by

    table = run_cli("reconcile", "--db", local_sites.db_url)
    assert table.returncode == 0, table.stderr
    for word in ("agree", "disagree", "register-only", "register says 2014-10-08"):
        assert word in table.stdout
    saitama = run_cli("reconcile", "--db", local_sites.db_url, "--city", "さいたま市")
    assert "横浜市" not in saitama.stdout and "さいたま市" in saitama.stdout
