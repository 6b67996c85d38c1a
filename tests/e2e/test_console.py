"""The console in a real browser (Debian's chromium, driven by Playwright) against the services
running as processes on the real Kafka and store: each page shows what the APIs answer."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from playwright.async_api import Page, async_playwright

from tests.e2e.conftest import PERSONAL, System
from tests.e2e.console_network import (
    ACCEPTED,
    DECLINED,
    auditor,
    cell,
    network_stats,
    no_personal_data,
    operator_get,
    publish_poison,
    seed_network,
    shown,
    snap,
    whole_days,
)
from tests.e2e.console_run import running_console
from tests.infra import Endpoints, kafka_login_for, kafka_options
from tests.integration.harness import eventually
from tests.integration.kafka_positions import read_whole_topic
from tsunagu_ops.bench.catchup import committed_total
from tsunagu_ops.replay import DeadLetters
from tsunagu_schemas.topics import REFERRAL_EVENTS

SLA = {"TSUNAGU_REFERRALS_SLA_EMERGENCY_SECONDS": "2", "TSUNAGU_REFERRALS_SLA_SCAN_SECONDS": "1"}
"""An emergency leg is overdue after two seconds, and flagged within one more."""


@pytest.fixture(scope="module")
def service_settings() -> dict[str, str]:
    """The services of this module: short deadlines for emergencies."""
    return SLA


@pytest.fixture(scope="module")
async def network(system: System) -> dict[str, str]:
    """The agencies and referrals the pages show (see `seed_network`)."""
    return await seed_network(system)


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


@pytest.fixture(scope="module")
def console_url(system: System, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The console, started with clients of its own, reading this module's services."""
    folder = tmp_path_factory.mktemp("console")
    with running_console(system, folder) as url:
        yield url
    logged = (folder / "console.log").read_text(errors="replace")
    assert '"GET /' in logged, "the console's log holds its requests"
    assert not [p for p in PERSONAL if p in logged], "a person's data is in the console's log"


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


async def _assert_figures(page: Page, stats: dict[str, Any], withheld: str) -> None:
    for table, figures in (
        ("by-status", "by_status"),
        ("by-urgency", "by_urgency"),
        ("unmet-needs", "unmet_needs"),
    ):
        for key, count in stats[figures].items():
            assert await cell(page, table, key) == shown(count, withheld), (table, key)
    for agency, row in stats["agencies"].items():
        for column, name in enumerate(("sent", "received", "accepted", "declined"), start=2):
            assert await cell(page, "agencies", agency, column) == shown(row[name], withheld)
    rate = stats["acceptance_rate"]
    assert await page.locator("#acceptance-rate").inner_text() == (
        f"{rate * 100:.0f}%" if rate is not None else "—"
    )


async def test_network_page_shows_the_statistics_in_japanese_and_english(
    system: System, network: dict[str, str], page: Page, screenshots: Path
) -> None:
    today = datetime.now(UTC).date()
    first, last = (today - timedelta(days=29)).isoformat(), today.isoformat()
    stats = await network_stats(system, whole_days(first, last))
    assert stats["by_status"]["accepted"] == ACCEPTED, "the seeded referrals are measured"
    assert stats["by_status"]["declined"] is None, "one decline: withheld"
    assert stats["agencies"][network["b"]]["received"] == ACCEPTED + DECLINED + 1

    await page.goto("/language/ja?back=/network")
    assert await page.locator("h1").inner_text() == "紹介ネットワーク"
    await _assert_figures(page, stats, "5未満")
    await no_personal_data(page)
    await snap(page, screenshots, "network-ja")

    await page.click("#lang-en")
    await page.wait_for_selector("h1:text('Referral network')")
    await _assert_figures(page, stats, "<5")
    await snap(page, screenshots, "network")

    await page.fill("input[name=since]", "2020-01-01")
    await page.fill("input[name=until]", "2020-01-31")
    await page.click("#show")
    await page.wait_for_url("**since=2020-01-01**")
    earlier = await network_stats(system, whole_days("2020-01-01", "2020-01-31"))
    assert earlier["by_status"]["accepted"] == 0
    await _assert_figures(page, earlier, "<5")


async def test_overdue_page_lists_the_escalated_leg_by_agency_and_age(
    system: System, network: dict[str, str], page: Page, screenshots: Path
) -> None:
    async def escalated() -> dict[str, Any] | None:
        answer = await operator_get(system, "/v1/referrals/stats/overdue")
        items = {item["referral_id"]: item for item in answer["items"]}
        late = items.get(network["overdue"])
        return answer if late is not None and late["escalated"] else None

    answer = await eventually(escalated, timeout=60, interval=0.5)
    await page.goto("/language/en?back=/overdue")
    rows = page.locator("#overdue-legs tr[data-key]")
    assert [await row.get_attribute("data-key") for row in await rows.all()] == [
        item["referral_id"] for item in answer["items"]
    ]
    late = page.locator(f"#overdue-legs tr[data-key='{network['overdue']}']")
    assert (await late.locator("td.escalation").inner_text()).startswith("yes")
    asked = page.locator(f"#overdue-agencies tr[data-key='{network['b']}'] td.num")
    mine = [i for i in answer["items"] if i["to_agency_id"] == network["b"]]
    assert (await asked.first.inner_text()).strip() == str(len(mine))
    await no_personal_data(page)
    await snap(page, screenshots, "overdue")

    await page.click("#lang-ja")
    await page.wait_for_selector("h1:text('回答期限を過ぎた依頼')")
    assert (await late.locator("td.escalation").inner_text()).startswith("はい")


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
    await publish_poison(bootstrap, event_id)
    section = page.locator(f"section.letters[data-topic='{REFERRAL_EVENTS}']")
    # No reload: the page's own polling brings the parked event in.
    await section.locator(f"td.id:text('{event_id}')").first.wait_for(timeout=60_000)
    await no_personal_data(page)
    await snap(page, screenshots, "pipeline")

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
        items = (await auditor(system, "/v1/audit/records", declined)).json()["items"]
        return items if items else None

    items = await eventually(recorded, timeout=60, interval=0.5)
    assert [i["referral_id"] for i in items] == [network["declined"]]
    every = (await auditor(system, "/v1/audit/records", {"limit": 50})).json()["items"]

    await page.goto("/language/en?back=/audit")
    assert await _seqs(page) == [i["seq"] for i in every]
    await page.fill("input[name=type]", declined["type"])
    await page.click("#filter")
    await page.wait_for_url("**type=tsunagu.referral.declined**")
    assert await _seqs(page) == [i["seq"] for i in items]

    await page.click("#verify")
    verdict = page.locator("#verified")
    await verdict.wait_for()
    verified = (await auditor(system, "/v1/audit/verify")).json()
    assert verified["ok"]
    assert f"intact: {verified['records']} records" in await verdict.inner_text()

    await page.locator("#records button.prove").first.click()
    proof = page.locator("#inclusion")
    await proof.wait_for()
    size = int(str(await proof.get_attribute("data-size")))
    params = {"index": items[0]["seq"] - 1, "tree_size": size}
    expected = (await auditor(system, "/v1/audit/proofs/inclusion", params)).json()
    assert (await page.locator("#proof-root").inner_text()).strip() == expected["root_hash"]
    shown = [(await h.inner_text()).strip() for h in await page.locator("#proof-path code").all()]
    assert shown == expected["hashes"]

    checkpoint = await auditor(system, "/v1/audit/checkpoint")
    if checkpoint.status_code == 200:
        assert checkpoint.text.splitlines()[0] in await page.locator("#checkpoint").inner_text()
    await no_personal_data(page)
    await snap(page, screenshots, "audit")
