"""The dashboard's event page shows where the register and a city's own pages disagree (HTML and
`/api/events/{id}`), on SQLite and PostgreSQL, over the composed history of test_reconcile."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from snapshots import Store
from tests.test_reconcile import REGISTER_YOKOHAMA, YOKOHAMA_PDF, stored
from web import create_app


@pytest.fixture
def reconciled(store_url: str) -> Iterator[tuple[TestClient, dict[str, int]]]:
    with Store(store_url) as store:
        ids = {r.status: r.event_id for r in stored(store).reconcile()}
        with TestClient(create_app(store)) as client:
            yield client, ids


def test_a_disagreement_is_shown_on_the_event(
    reconciled: tuple[TestClient, dict[str, int]],
) -> None:
    client, ids = reconciled
    page = client.get(f"/events/{ids['disagree']}")
    assert page.status_code == 200
    assert "Sources disagree" in page.text
    for said in ("2014-10-08", "2013", f'href="{REGISTER_YOKOHAMA}"', f'href="{YOKOHAMA_PDF}"'):
        assert said in page.text
    data = client.get(f"/api/events/{ids['disagree']}").json()
    assert data["reconciliation"]["status"] == "disagree"
    assert data["reconciliation"]["disagreements"][0]["register_url"] == REGISTER_YOKOHAMA


def test_an_agreement_shows_no_disagreement(reconciled: tuple[TestClient, dict[str, int]]) -> None:
    client, ids = reconciled
    page = client.get(f"/events/{ids['agree']}")
    assert page.status_code == 200 and "agree" in page.text
    assert "Sources disagree" not in page.text
    assert client.get(f"/api/events/{ids['register-only']}").json()["reconciliation"]["status"] == (
        "register-only"
    )
