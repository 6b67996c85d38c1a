"""Retried webhooks, poison events, and the inbox routes, against the real Kafka and store."""

from __future__ import annotations

import json
from collections.abc import Awaitable
from typing import Any

from aiokafka.structs import ConsumerRecord

from services.notifications.settings import NotificationsSettings
from tests.access import acting
from tests.integration.harness import eventually, headers_of, publish_raw
from tests.integration.notifications.conftest import SharedTopics, WebhookReceiver
from tests.integration.notifications.test_delivery import (
    agencies_known,
    inbox_of,
    new_id,
    notification_about,
    notifications,
    publish_referral,
    register_agency,
)
from tsunagu.messaging.dead_letter import CONSUMER_GROUP, REASON
from tsunagu_schemas.topics import NOTIFICATION_EVENTS, REFERRAL_EVENTS, dead_letter_topic


async def test_a_failing_webhook_is_retried_until_delivered_or_given_up(
    notifications_settings: NotificationsSettings,
    webhook_receiver: WebhookReceiver,
    shared_topics: SharedTopics,
) -> None:
    settings = notifications_settings.model_copy(update={"delivery_max_attempts": 3})
    bootstrap = settings.kafka_bootstrap_servers
    flaky, broken = new_id("agency"), new_id("agency")
    webhook_receiver.failures = {"/flaky": 2, "/broken": 100}
    await register_agency(bootstrap, flaky, webhook_url=webhook_receiver.url("/flaky"))
    await register_agency(bootstrap, broken, webhook_url=webhook_receiver.url("/broken"))
    async with notifications(settings):
        await eventually(lambda: agencies_known(settings, flaky, broken))
        event = await publish_referral(bootstrap, sender=flaky, receiver=broken)
        delivered = notification_about(event["event_id"], flaky)
        failed = notification_about(event["event_id"], broken)
        records = await shared_topics.read(
            NOTIFICATION_EVENTS, until=lambda r: delivered(r) and failed(r)
        )
    ours = [r for r in records if delivered([r]) or failed([r])]
    results = {(json.loads(r.value)["agency_id"], headers_of(r)["ce_type"]): r for r in ours}
    expected = {(flaky, "tsunagu.notification.delivered"), (broken, "tsunagu.notification.failed")}
    assert set(results) == expected, "one outcome per delivery"
    assert len(ours) == 2, "each outcome announced once"
    assert json.loads(results[(flaky, "tsunagu.notification.delivered")].value)["attempts"] == 3
    gave_up = json.loads(results[(broken, "tsunagu.notification.failed")].value)
    assert gave_up["attempts"] == 3
    assert gave_up["error"] == "webhook answered HTTP 500"
    assert len(webhook_receiver.calls_to("/flaky")) == 3
    assert len(webhook_receiver.calls_to("/broken")) == 3


async def test_a_poison_event_is_parked_and_the_next_one_is_still_handled(
    notifications_settings: NotificationsSettings, shared_topics: SharedTopics
) -> None:
    bootstrap = notifications_settings.kafka_bootstrap_servers
    key = new_id("poison").encode()
    sender, receiver = new_id("agency"), new_id("agency")
    async with notifications(notifications_settings) as client:
        await publish_raw(
            bootstrap,
            topic=REFERRAL_EVENTS,
            key=key,
            value=b"{not json",
            headers={"ce_specversion": "1.0", "ce_id": new_id("bad")},
        )
        await publish_referral(bootstrap, sender=sender, receiver=receiver)
        items = await eventually(lambda: inbox_of(client, receiver))
        assert len(items) == 1

    def parked_here(record: ConsumerRecord[Any, Any]) -> bool:
        group = headers_of(record).get(CONSUMER_GROUP)
        return record.key == key and group == notifications_settings.consumer_group

    records = await shared_topics.read(
        dead_letter_topic(REFERRAL_EVENTS), until=lambda r: any(map(parked_here, r))
    )
    (parked,) = [r for r in records if parked_here(r)]
    assert headers_of(parked)[REASON] == "invalid"
    assert parked.value == b"{not json"


async def test_an_agency_reads_only_its_own_inbox_and_marks_entries_read(
    notifications_settings: NotificationsSettings,
) -> None:
    bootstrap = notifications_settings.kafka_bootstrap_servers
    mine, other = new_id("agency"), new_id("agency")
    me = acting(mine)
    async with notifications(notifications_settings) as client:
        for _ in range(3):
            await publish_referral(bootstrap, sender=mine, receiver=other)
        await eventually(lambda: _has(inbox_of(client, mine), 3))

        ready = await client.get("/readyz")
        assert ready.json() == {"ready": True, "checks": {"store": "ok", "kafka": "ok"}}
        forbidden = await client.get(f"/v1/agencies/{other}/inbox", headers=me)
        assert forbidden.status_code == 403
        assert forbidden.headers["content-type"] == "application/problem+json"
        anonymous = await client.get(f"/v1/agencies/{mine}/inbox")
        assert anonymous.status_code == 401

        first = (await client.get(f"/v1/agencies/{mine}/inbox?limit=2", headers=me)).json()
        assert len(first["items"]) == 2
        rest = await client.get(
            f"/v1/agencies/{mine}/inbox", params={"cursor": first["next_cursor"]}, headers=me
        )
        assert len(rest.json()["items"]) == 1
        assert rest.json()["next_cursor"] is None
        bad = await client.get(f"/v1/agencies/{mine}/inbox?cursor=nonsense", headers=me)
        assert bad.status_code == 422

        chosen = first["items"][0]["notification_id"]
        read = await client.post(f"/v1/agencies/{mine}/inbox/{chosen}/read", headers=me)
        assert read.status_code == 200
        assert read.json()["read"] is True
        assert read.json()["read_at"] is not None
        unread = await inbox_of(client, mine, unread="true")
        assert chosen not in {i["notification_id"] for i in unread}
        assert len(unread) == 2

        unknown = await client.post(f"/v1/agencies/{mine}/inbox/nope/read", headers=me)
        assert unknown.status_code == 404
        theirs = await client.post(f"/v1/agencies/{other}/webhook-secret", headers=me)
        assert theirs.status_code == 403


async def _has(items: Awaitable[list[Any]], count: int) -> bool:
    """Await a list of inbox items and tell whether it holds `count` of them."""
    return len(await items) == count
