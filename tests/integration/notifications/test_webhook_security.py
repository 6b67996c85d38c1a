"""Webhook secrets rotated with a grace period, and where webhooks may go outside development."""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from services.notifications.domain import signature_matches
from services.notifications.main import create_app
from services.notifications.settings import NotificationsSettings
from tests.access import PrincipalAuth, acting, as_role, session_issuer
from tests.integration.harness import eventually, running
from tests.integration.notifications.conftest import SharedTopics, WebhookReceiver
from tests.integration.notifications.test_delivery import (
    agencies_known,
    new_id,
    notification_about,
    notifications,
    outcomes,
    publish_referral,
    register_agency,
)
from tsunagu.webhook_targets import DEVELOPMENT
from tsunagu_schemas.topics import NOTIFICATION_EVENTS


class MovableClock:
    """The machine's time, plus however far the test moved it on."""

    def __init__(self) -> None:
        self.ahead = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.ahead


def _signatures_of(call_headers: dict[str, str], body: bytes, *secrets: str) -> list[bool]:
    """For each secret, whether the delivery carries a signature made with it."""
    return [
        signature_matches(
            secret,
            message_id=call_headers["webhook-id"],
            timestamp=int(call_headers["webhook-timestamp"]),
            body=body,
            header=call_headers["webhook-signature"],
        )
        for secret in secrets
    ]


async def test_a_rotated_secret_signs_beside_the_new_one_until_its_grace_ends(
    notifications_settings: NotificationsSettings,
    webhook_receiver: WebhookReceiver,
    shared_topics: SharedTopics,
) -> None:
    bootstrap = notifications_settings.kafka_bootstrap_servers
    settings = notifications_settings.model_copy(update={"coordinator_agency_id": "coordinator"})
    agency, other = new_id("agency"), new_id("agency")
    await register_agency(bootstrap, agency, webhook_url=webhook_receiver.url("/rotating"))
    await register_agency(bootstrap, other)
    me = acting(agency)
    clock = MovableClock()
    async with running(
        create_app(settings, clock=clock), PrincipalAuth(session_issuer())
    ) as client:
        await eventually(lambda: agencies_known(settings, agency, other))
        path = f"/v1/agencies/{agency}/webhook-secret"
        old = (await client.post(path, headers=me)).json()["secret"]
        rotated = await client.post(f"{path}/rotate", headers=me)
        assert rotated.status_code == 200, rotated.text
        new = rotated.json()["secret"]
        until = datetime.fromisoformat(rotated.json()["previous_valid_until"])
        assert new != old
        assert until - clock.now() > timedelta(hours=23)
        assert (await client.post(path, headers=me)).json()["secret"] == new

        during = await publish_referral(bootstrap, sender=agency, receiver=other)
        await shared_topics.read(
            NOTIFICATION_EVENTS, until=notification_about(during["event_id"], agency)
        )
        (call,) = webhook_receiver.calls_to("/rotating")
        assert _signatures_of(call.headers, call.body, new, old) == [True, True]
        assert len(call.headers["webhook-signature"].split(" ")) == 2

        clock.ahead = until - datetime.now(UTC) + timedelta(seconds=1)
        after = await publish_referral(bootstrap, sender=agency, receiver=other)
        await shared_topics.read(
            NOTIFICATION_EVENTS, until=notification_about(after["event_id"], agency)
        )
        last = webhook_receiver.calls_to("/rotating")[-1]
        assert json.loads(last.body)["id"] == after["event_id"]
        assert _signatures_of(last.headers, last.body, new, old) == [True, False]
        assert len(last.headers["webhook-signature"].split(" ")) == 1
        current = (await client.post(path, headers=me)).json()
        assert current == {"secret": new, "previous_valid_until": None}

        by_coordinator = await client.post(f"{path}/rotate", headers=as_role("coordinator"))
        assert by_coordinator.status_code == 200
        assert by_coordinator.json()["secret"] is None
        assert (await client.post(path, headers=me)).json()["secret"] != new
        by_stranger = await client.post(f"{path}/rotate", headers=acting(other))
        assert by_stranger.status_code == 403


def _write_key(path: Path) -> None:
    """A key file as an operator would provide it outside development."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(base64.b64encode(os.urandom(32)).decode())


async def test_outside_development_an_allowlisted_receiver_is_called_and_loopback_is_not(
    notifications_settings: NotificationsSettings,
    webhook_receiver: WebhookReceiver,
    shared_topics: SharedTopics,
) -> None:
    assert notifications_settings.webhook_secrets_key_file is not None
    _write_key(notifications_settings.webhook_secrets_key_file)
    settings = NotificationsSettings.model_validate(
        {
            **notifications_settings.model_dump(),
            "environment": "staging",
            "webhook_allowed_hosts": "127.0.0.1",
            "delivery_max_attempts": 2,
        }
    )
    assert settings.environment != DEVELOPMENT
    bootstrap = settings.kafka_bootstrap_servers
    allowed, refused = new_id("agency"), new_id("agency")
    port = webhook_receiver.base_url.rsplit(":", 1)[1]
    await register_agency(bootstrap, allowed, webhook_url=webhook_receiver.url("/allowed"))
    await register_agency(bootstrap, refused, webhook_url=f"https://localhost:{port}/refused")
    async with notifications(settings) as client:
        await eventually(lambda: agencies_known(settings, allowed, refused))
        event = await publish_referral(bootstrap, sender=allowed, receiver=refused)
        event_ids = {event["event_id"]}
        expected = [
            ("tsunagu.notification.delivered", event["event_id"], allowed, "webhook"),
            ("tsunagu.notification.failed", event["event_id"], refused, "webhook"),
        ]
        notices = await shared_topics.read(
            NOTIFICATION_EVENTS, until=lambda r: set(outcomes(r, event_ids)) >= set(expected)
        )
        assert sorted(outcomes(notices, event_ids)) == expected
        failure = next(
            json.loads(r.value)
            for r in notices
            if b"notification.failed" in dict(r.headers).get("ce_type", b"")
            and json.loads(r.value).get("source_event_id") == event["event_id"]
        )
        assert failure["error"] == "webhook refused: localhost resolves to a loopback address"
        assert webhook_receiver.calls_to("/refused") == []
        (call,) = webhook_receiver.calls_to("/allowed")
        secret = (
            await client.post(f"/v1/agencies/{allowed}/webhook-secret", headers=acting(allowed))
        ).json()["secret"]
        assert _signatures_of(call.headers, call.body, secret) == [True]
