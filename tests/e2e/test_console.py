"""The console in a real browser (Debian's chromium, driven by Playwright) against the services
running as processes on the real Kafka and store: each page shows what the APIs answer."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from playwright.async_api import Page, async_playwright

from tests.access import PrincipalAuth, acting
from tests.e2e.conftest import NOTE, PERSONAL, SUBJECT, System
from tests.e2e.console_run import running_console
from tests.infra import Endpoints, kafka_login_for, kafka_options
from tests.integration.harness import eventually
from tests.integration.kafka_positions import read_whole_topic
from tsunagu_ops.bench.catchup import committed_total
from tsunagu_ops.replay import DeadLetters
from tsunagu_schemas import catalog
from tsunagu_schemas.topics import REFERRAL_EVENTS, owner_of

ACCEPTED, DECLINED = 5, 1
README_IMAGES = Path(__file__).parents[2] / "docs" / "images"
WRITE_IMAGES = os.environ.get("TSUNAGU_WRITE_SCREENSHOTS") == "1"


@pytest.fixture(scope="module", autouse=True)
def dead_letters_replayed(endpoints: Endpoints) -> None:
    """Events parked by earlier runs go back before this module's services start (which begin
    at the topics' end), so the first one waiting for replay is this module's own."""

    async def replay() -> None:
        async with DeadLetters(
            kafka_login_for(endpoints.kafka_bootstrap_servers), REFERRAL_EVENTS
        ) as letters:
            await letters.replay()

    asyncio.run(replay())


def _agency(name: str, category: str) -> dict[str, Any]:
    service = {
        "name": name,
        "categories": [category],
        "areas": ["citywide"],
        "accepting_referrals": True,
    }
    return {"name": name, "kind": "npo", "services": [service], "contacts": []}


def _referral(a: str, b: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    basis = {
        "kind": "consent",
        "given_by": "subject",
        "scope": "network",
        "obtained_at": now.isoformat(),
        "expires_at": (now + timedelta(days=90)).isoformat(),
    }
    return {
        "from_agency_id": a,
        "to_agency_id": b,
        "needs": ["food"],
        "urgency": "urgent",
        "subject": SUBJECT,
        "note": NOTE,
        "basis": basis,
    }


@pytest.fixture(scope="module")
async def network(system: System) -> dict[str, str]:
    """Two agencies; six referrals from the first to the second: five accepted, one declined
    for lack of capacity. Their ids."""
    auth = PrincipalAuth(system.tokens, "coordinator")
    async with httpx.AsyncClient(timeout=20, auth=auth) as http:
        ids = {}
        for key, name, category in (
            ("a", "Hotline", "suicide_prevention"),
            ("b", "Food bank", "food"),
        ):
            response = await http.post(
                f"{system.urls['directory']}/v1/agencies", json=_agency(name, category)
            )
            assert response.status_code == 201, response.text
            ids[key] = str(response.json()["id"])
        referrals = f"{system.urls['referrals']}/v1/referrals"

        async def create() -> str | None:
            response = await http.post(
                referrals, json=_referral(ids["a"], ids["b"]), headers=acting(ids["a"])
            )
            assert response.status_code in (201, 422), response.text
            return str(response.json()["id"]) if response.status_code == 201 else None

        made = [
            await eventually(create, timeout=60, interval=0.5) for _ in range(ACCEPTED + DECLINED)
        ]
        for referral_id in made[:ACCEPTED]:
            response = await http.post(
                f"{referrals}/{referral_id}/accept", json={}, headers=acting(ids["b"])
            )
            assert response.status_code == 200, response.text
        declined = {"reason": "no_capacity"}
        response = await http.post(
            f"{referrals}/{made[-1]}/decline", json=declined, headers=acting(ids["b"])
        )
        assert response.status_code == 200, response.text
        ids["declined"] = made[-1]
        return ids


@pytest.fixture(scope="module")
def console_url(system: System, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The console, started with clients of its own, reading this module's services."""
    with running_console(system, tmp_path_factory.mktemp("console")) as url:
        yield url


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the pages' screenshots are saved (under the test run's output folder)."""
    return tmp_path_factory.mktemp("console-screenshots")


@pytest.fixture(scope="module")
async def page(console_url: str) -> AsyncIterator[Page]:
    """One browser tab on the console (Debian's chromium; Playwright downloads no browser)."""
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is missing: run `make tools`"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        context = await browser.new_context(
            viewport={"width": 1366, "height": 860}, base_url=console_url
        )
        tab = await context.new_page()
        try:
            yield tab
        finally:
            await browser.close()


async def _snap(page: Page, folder: Path, name: str) -> None:
    """Save the page as `console-<name>.png`, and as the README's image when asked."""
    await page.screenshot(path=folder / f"console-{name}.png", full_page=True)
    if WRITE_IMAGES:
        README_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copy(folder / f"console-{name}.png", README_IMAGES / f"console-{name}.png")


async def _no_personal_data(page: Page) -> None:
    html = await page.content()
    assert not [p for p in PERSONAL if p in html], "a person's data is on the page"


async def _cell(page: Page, table: str, key: str, column: int = 2) -> str:
    return (
        await page.locator(f"#{table} tr[data-key='{key}'] td:nth-child({column})").inner_text()
    ).strip()


def _shown(count: int | None, withheld: str) -> str:
    return withheld if count is None else str(count)


async def _stats(system: System, params: dict[str, str]) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=20, auth=PrincipalAuth(system.tokens, "operator")) as http:
        response = await http.get(f"{system.urls['referrals']}/v1/referrals/stats", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _days(first: str, last: str) -> dict[str, str]:
    end = datetime.fromisoformat(last).replace(tzinfo=UTC) + timedelta(days=1)
    return {"since": f"{first}T00:00:00+00:00", "until": end.isoformat()}


async def _assert_figures(page: Page, stats: dict[str, Any], withheld: str) -> None:
    for table, figures in (
        ("by-status", "by_status"),
        ("by-urgency", "by_urgency"),
        ("unmet-needs", "unmet_needs"),
    ):
        for key, count in stats[figures].items():
            assert await _cell(page, table, key) == _shown(count, withheld), (table, key)
    for agency, row in stats["agencies"].items():
        for column, name in enumerate(("sent", "received", "accepted", "declined"), start=2):
            assert await _cell(page, "agencies", agency, column) == _shown(row[name], withheld)
    rate = stats["acceptance_rate"]
    assert await page.locator("#acceptance-rate").inner_text() == (
        f"{rate * 100:.0f}%" if rate is not None else "—"
    )


async def test_network_page_shows_the_statistics_in_japanese_and_english(
    system: System, network: dict[str, str], page: Page, screenshots: Path
) -> None:
    today = datetime.now(UTC).date()
    first, last = (today - timedelta(days=29)).isoformat(), today.isoformat()
    stats = await _stats(system, _days(first, last))
    assert stats["by_status"]["accepted"] == ACCEPTED, "the seeded referrals are measured"
    assert stats["by_status"]["declined"] is None, "one decline: withheld"
    assert stats["agencies"][network["b"]]["received"] == ACCEPTED + DECLINED

    await page.goto("/language/ja?back=/network")
    assert await page.locator("h1").inner_text() == "紹介ネットワーク"
    await _assert_figures(page, stats, "5未満")
    await _no_personal_data(page)
    await _snap(page, screenshots, "network-ja")

    await page.click("#lang-en")
    await page.wait_for_selector("h1:text('Referral network')")
    await _assert_figures(page, stats, "<5")
    await _snap(page, screenshots, "network")

    await page.fill("input[name=since]", "2020-01-01")
    await page.fill("input[name=until]", "2020-01-31")
    await page.click("#show")
    await page.wait_for_url("**since=2020-01-01**")
    earlier = await _stats(system, _days("2020-01-01", "2020-01-31"))
    assert earlier["by_status"]["accepted"] == 0
    await _assert_figures(page, earlier, "<5")


async def _publish_poison(bootstrap: str, event_id: str) -> None:
    """A record on the referral topic whose data is not JSON: its consumers park it."""
    event_type = "tsunagu.referral.created"
    headers = {
        "ce_specversion": "1.0",
        "ce_id": event_id,
        "ce_source": catalog.source(owner_of(REFERRAL_EVENTS)),
        "ce_type": event_type,
        "ce_time": datetime.now(UTC).isoformat(),
        "ce_subject": event_id,
        "ce_dataschema": catalog.kind_of(event_type).dataschema,
        "content-type": "application/json",
    }
    producer = AIOKafkaProducer(**kafka_options(bootstrap), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        encoded = [(name, value.encode()) for name, value in headers.items()]
        await producer.send_and_wait(
            REFERRAL_EVENTS, b"{not json", key=event_id.encode(), headers=encoded
        )
    finally:
        await producer.stop()


async def _lag_rows(page: Page) -> dict[str, tuple[int, int, int]]:
    rows = {}
    for row in await page.locator("#lag tr[data-key]").all():
        key = await row.get_attribute("data-key")
        cells = [int((await c.inner_text()).strip()) for c in await row.locator("td.num").all()]
        rows[str(key)] = (cells[0], cells[1], cells[2])
    return rows


async def test_pipeline_shows_each_groups_lag_and_replays_a_parked_event(
    system: System, network: dict[str, str], page: Page, screenshots: Path
) -> None:
    bootstrap = system.endpoints.kafka_bootstrap_servers
    await page.goto("/language/en?back=/pipeline")
    audit_group = f"e2e-audit-{system.run_id}"
    key = f"{audit_group}|{REFERRAL_EVENTS}"

    async def settled() -> dict[str, tuple[int, int, int]] | None:
        await page.reload()
        rows = await _lag_rows(page)
        return rows if key in rows and rows[key][2] == 0 else None

    rows = await eventually(settled, timeout=60, interval=1)
    admin = AIOKafkaAdminClient(**kafka_options(bootstrap))
    await admin.start()
    try:
        assert rows[key][0] == await committed_total(admin, audit_group, REFERRAL_EVENTS)
    finally:
        await admin.close()
    assert {k.split("|")[0] for k in rows} <= {
        f"e2e-{n}-{system.run_id}" for n in ("directory", "referrals", "notifications", "audit")
    }

    event_id = str(uuid.uuid4())
    await _publish_poison(bootstrap, event_id)
    section = page.locator(f"section.letters[data-topic='{REFERRAL_EVENTS}']")
    # No reload: the page's own polling brings the parked event in.
    await section.locator(f"td.id:text('{event_id}')").first.wait_for(timeout=60_000)
    await _no_personal_data(page)
    await _snap(page, screenshots, "pipeline")

    button_row = section.locator("tr:has(button.replay)")
    assert (await button_row.locator("td.id").inner_text()).strip() == event_id
    position = str(await button_row.get_attribute("data-key"))
    await button_row.locator("button.replay").click()
    done = page.locator("#replay-done")
    await done.wait_for()
    assert (await done.inner_text()).strip() == f"Replayed 1 event(s) to {REFERRAL_EVENTS}."

    async with DeadLetters(kafka_login_for(bootstrap), REFERRAL_EVENTS) as letters:
        parked = {f"{e.dlq_partition}:{e.dlq_offset}": e for e in await letters.parked()}
    assert parked[position].replayed
    assert parked[position].event_id == event_id
    shown = page.locator(
        f"section.letters[data-topic='{REFERRAL_EVENTS}'] tr[data-key='{position}'] td.replayed"
    )
    assert (await shown.inner_text()).strip() == "yes"
    back = [
        r for r in await read_whole_topic(bootstrap, REFERRAL_EVENTS) if r.key == event_id.encode()
    ]
    assert len(back) == 2, "the poison event and its replayed copy"


async def _auditor(
    system: System, path: str, params: dict[str, Any] | None = None
) -> httpx.Response:
    async with httpx.AsyncClient(timeout=20, auth=PrincipalAuth(system.tokens, "auditor")) as http:
        return await http.get(f"{system.urls['audit']}{path}", params=params)


async def _seqs(page: Page) -> list[int]:
    return [
        int(str(await row.get_attribute("data-seq")))
        for row in await page.locator("#records tr[data-seq]").all()
    ]


async def test_audit_page_filters_records_verifies_the_log_and_shows_a_proof(
    system: System, network: dict[str, str], page: Page, screenshots: Path
) -> None:
    declined = {"type": "tsunagu.referral.declined"}

    async def recorded() -> list[dict[str, Any]] | None:
        items = (await _auditor(system, "/v1/audit/records", declined)).json()["items"]
        return items if items else None

    items = await eventually(recorded, timeout=60, interval=0.5)
    assert [i["referral_id"] for i in items] == [network["declined"]]
    every = (await _auditor(system, "/v1/audit/records", {"limit": 50})).json()["items"]

    await page.goto("/language/en?back=/audit")
    assert await _seqs(page) == [i["seq"] for i in every]
    await page.fill("input[name=type]", declined["type"])
    await page.click("#filter")
    await page.wait_for_url("**type=tsunagu.referral.declined**")
    assert await _seqs(page) == [i["seq"] for i in items]

    await page.click("#verify")
    verdict = page.locator("#verified")
    await verdict.wait_for()
    verified = (await _auditor(system, "/v1/audit/verify")).json()
    assert verified["ok"]
    assert f"intact: {verified['records']} records" in await verdict.inner_text()

    await page.locator("#records button.prove").first.click()
    proof = page.locator("#inclusion")
    await proof.wait_for()
    size = int(str(await proof.get_attribute("data-size")))
    params = {"index": items[0]["seq"] - 1, "tree_size": size}
    expected = (await _auditor(system, "/v1/audit/proofs/inclusion", params)).json()
    assert (await page.locator("#proof-root").inner_text()).strip() == expected["root_hash"]
    shown = [(await h.inner_text()).strip() for h in await page.locator("#proof-path code").all()]
    assert shown == expected["hashes"]

    checkpoint = await _auditor(system, "/v1/audit/checkpoint")
    if checkpoint.status_code == 200:
        assert checkpoint.text.splitlines()[0] in await page.locator("#checkpoint").inner_text()
    await _no_personal_data(page)
    await _snap(page, screenshots, "audit")
