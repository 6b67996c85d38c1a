"""Notifications against the real Kafka and store: inbox, agency topic, webhook, e-mail."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
from aiokafka.structs import ConsumerRecord

from services.notifications.domain import secret_key, signature_matches
from services.notifications.main import create_app
from services.notifications.settings import NotificationsSettings
from tests.access import PrincipalAuth, acting, session_issuer
from tests.integration.harness import eventually, headers_of, publish_event, running
from tests.integration.kafka_positions import Records, read_whole_topic
from tests.integration.notifications.conftest import SharedTopics, WebhookReceiver
from tsunagu.store import make_client
from tsunagu_schemas import AgencyDeliveryData, ReferralEventData
from tsunagu_schemas.agency import AGENCY_DELIVERY_SET
from tsunagu_schemas.topics import NOTIFICATION_EVENTS, agency_topic


def new_id(prefix: str) -> str:
    """A unique id, so that runs sharing one Kafka never see each other's agencies."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def register_agency(
    bootstrap: str, agency_id: str, *, version: int = 1, **delivery: Any
) -> None:
    """Publish the delivery settings of an agency, as the directory does on registration."""
    data = AgencyDeliveryData.model_validate(
        {
            "agency_id": agency_id,
            "version": version,
            "delivery": delivery,
            "occurred_at": datetime.now(UTC),
        }
    )
    await publish_event(bootstrap, event_type=AGENCY_DELIVERY_SET, subject=agency_id, data=data)


async def publish_referral(
    bootstrap: str, *, sender: str, receiver: str, event_id: str | None = None
) -> dict[str, Any]:
    """Publish a referral created from `sender` to `receiver`; return its outbox form."""
    referral_id = new_id("ref")
    data = ReferralEventData.model_validate(
        {
            "referral_id": referral_id,
            "version": 1,
            "leg": 1,
            "from_agency_id": sender,
            "to_agency_id": receiver,
            "needs": ["food"],
            "urgency": "urgent",
            "status": "requested",
            "actor_agency_id": sender,
            "parties": [sender, receiver],
            "occurred_at": datetime.now(UTC),
        }
    )
    return await publish_event(
        bootstrap,
        event_type="tsunagu.referral.created",
        subject=referral_id,
        data=data,
        event_id=event_id,
    )


@asynccontextmanager
async def notifications(settings: NotificationsSettings) -> AsyncIterator[httpx.AsyncClient]:
    """Run the service in-process."""
    async with running(create_app(settings), PrincipalAuth(session_issuer())) as client:
        yield client


async def agencies_known(settings: NotificationsSettings, *agency_ids: str) -> bool:
    """Whether the service's read model has every one of `agency_ids`."""
    client = make_client(settings.mongo_url)
    try:
        found = client[settings.database]["agencies"].find({"_id": {"$in": list(agency_ids)}})
        return len(await found.to_list()) == len(agency_ids)
    finally:
        await client.close()


async def stored_secrets(settings: NotificationsSettings, agency_id: str) -> dict[str, Any] | None:
    """The agency's webhook secrets as the store holds them."""
    client = make_client(settings.mongo_url)
    try:
        return await client[settings.database]["webhook_secrets"].find_one({"_id": agency_id})
    finally:
        await client.close()


async def inbox_of(client: httpx.AsyncClient, agency_id: str, **params: Any) -> list[Any]:
    """The items of an agency's inbox's first page."""
    response = await client.get(
        f"/v1/agencies/{agency_id}/inbox",
        params=params,
        headers=acting(agency_id),
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def notice_of(record: ConsumerRecord[Any, Any]) -> dict[str, Any] | None:
    """A notification event's data, or None for a record that is not one."""
    try:
        data = json.loads(record.value)
    except ValueError:  # other tests park poison on the same topic
        return None
    return data if isinstance(data, dict) else None


def notification_about(event_id: str, agency_id: str) -> Callable[[Records], bool]:
    """A predicate: a notification event about delivering `event_id` to `agency_id` arrived."""

    def found(records: Records) -> bool:
        return any(_is_about(r, event_id, agency_id) for r in records)

    return found


def _is_about(record: ConsumerRecord[Any, Any], event_id: str, agency_id: str) -> bool:
    data = notice_of(record)
    return (
        data is not None
        and data.get("source_event_id") == event_id
        and data.get("agency_id") == agency_id
    )


Outcome = tuple[str, str, str, str]


def outcomes(records: Records, event_ids: set[str]) -> list[Outcome]:
    """(type, source event, agency, channel) of every notification about `event_ids`."""
    found = []
    for record in records:
        data = notice_of(record)
        if data is not None and data.get("source_event_id") in event_ids:
            kind = headers_of(record)["ce_type"]
            found.append((kind, data["source_event_id"], data["agency_id"], data["channel"]))
    return found


async def test_each_party_is_told_once_by_inbox_topic_webhook_and_mail(
    notifications_settings: NotificationsSettings,
    webhook_receiver: WebhookReceiver,
    shared_topics: SharedTopics,
) -> None:
    bootstrap = notifications_settings.kafka_bootstrap_servers
    sender, receiver = new_id("agency"), new_id("agency")
    await register_agency(bootstrap, sender, kafka=True, webhook_url=webhook_receiver.url("/a"))
    await register_agency(bootstrap, receiver, email="intake@example.org")
    async with notifications(notifications_settings) as client:
        await eventually(lambda: agencies_known(notifications_settings, sender, receiver))
        event_id = new_id("evt")
        first = await publish_referral(
            bootstrap, sender=sender, receiver=receiver, event_id=event_id
        )
        await publish_referral(bootstrap, sender=sender, receiver=receiver, event_id=event_id)
        later = await publish_referral(bootstrap, sender=sender, receiver=receiver)
        event_ids = {event_id, later["event_id"]}
        expected = sorted(
            ("tsunagu.notification.delivered", e, agency, channel)
            for e in event_ids
            for agency, channel in ((sender, "kafka"), (sender, "webhook"), (receiver, "email"))
        )

        # Every delivery announces its outcome once it is made: once all six are announced,
        # whatever the service delivered is in the topic, the webhook's log and the spool.
        notices = await shared_topics.read(
            NOTIFICATION_EVENTS, until=lambda r: set(outcomes(r, event_ids)) >= set(expected)
        )
        assert sorted(outcomes(notices, event_ids)) == expected

        await eventually(lambda: len_is(inbox_of(client, receiver), 2))
        for agency_id in (sender, receiver):
            items = await inbox_of(client, agency_id)
            assert sorted(i["event_id"] for i in items) == sorted(event_ids)
            assert all(
                not i["read"] and i["event_type"] == "tsunagu.referral.created" for i in items
            )

        answer = await client.post(f"/v1/agencies/{sender}/webhook-secret", headers=acting(sender))
        assert answer.json()["previous_valid_until"] is None
        secret = answer.json()["secret"]
        assert secret.startswith("whsec_")
        stored = await stored_secrets(notifications_settings, sender)
        assert stored is not None
        assert secret_key(secret) not in bytes(stored["current"])
        calls = webhook_receiver.calls_to("/a")
        assert sorted(json.loads(c.body)["id"] for c in calls) == sorted(event_ids)
        for call in calls:
            assert call.headers["content-type"] == "application/cloudevents+json"
            assert call.headers["webhook-id"] == json.loads(call.body)["id"]
            assert signature_matches(
                secret,
                message_id=call.headers["webhook-id"],
                timestamp=int(call.headers["webhook-timestamp"]),
                body=call.body,
                header=call.headers["webhook-signature"],
            )
        assert {json.loads(c.body)["data"]["referral_id"] for c in calls} <= {
            first["key"],
            later["key"],
        }

        on_topic = await read_whole_topic(bootstrap, agency_topic(sender))
        assert sorted(headers_of(r)["ce_id"] for r in on_topic) == sorted(event_ids)
        assert {headers_of(r)["ce_type"] for r in on_topic} == {"tsunagu.referral.created"}

        mails = sorted(notifications_settings.mail_spool_dir.glob(f"*{receiver}*.eml"))
        assert len(mails) == 2
        assert all("intake@example.org" in m.read_text() for m in mails)


async def len_is(items: Any, expected: int) -> bool:
    """Await a list and tell whether it has `expected` items."""
    return len(await items) == expected


async def test_two_replicas_on_one_database_make_each_delivery_once(
    notifications_settings: NotificationsSettings,
    webhook_receiver: WebhookReceiver,
    shared_topics: SharedTopics,
) -> None:
    """Both replicas' delivery workers race for every due delivery: a claim is won once."""
    bootstrap = notifications_settings.kafka_bootstrap_servers
    sender, receiver = new_id("agency"), new_id("agency")
    await register_agency(bootstrap, sender, webhook_url=webhook_receiver.url("/both"))
    await register_agency(bootstrap, receiver, email="intake@example.org")
    async with notifications(notifications_settings), notifications(notifications_settings):
        await eventually(lambda: agencies_known(notifications_settings, sender, receiver))
        published = [
            await publish_referral(bootstrap, sender=sender, receiver=receiver) for _ in range(6)
        ]
        event_ids = {p["event_id"] for p in published}
        expected = sorted(
            ("tsunagu.notification.delivered", e, agency, channel)
            for e in event_ids
            for agency, channel in ((sender, "webhook"), (receiver, "email"))
        )
        notices = await shared_topics.read(
            NOTIFICATION_EVENTS, until=lambda r: set(outcomes(r, event_ids)) >= set(expected)
        )
        # Both replicas' relays may publish one notice before either removes it: the copies
        # share their id, which is how consumers drop them. Distinct notices: one per delivery.
        distinct = list({headers_of(r)["ce_id"]: r for r in notices}.values())
        assert sorted(outcomes(distinct, event_ids)) == expected
        calls = webhook_receiver.calls_to("/both")
        assert sorted(json.loads(c.body)["id"] for c in calls) == sorted(event_ids)
        mails = sorted(notifications_settings.mail_spool_dir.glob(f"*{receiver}*.eml"))
        assert len(mails) == len(event_ids)
