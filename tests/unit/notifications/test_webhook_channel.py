"""The webhook channel: signed headers, and the connection made to the address checked."""

from __future__ import annotations

import httpx
import pytest

from services.notifications.adapters.channels import WebhookChannel
from services.notifications.domain import (
    AgencyContact,
    Delivery,
    SourceEvent,
    plan_deliveries,
    secret_text,
    signature_matches,
    webhook_body,
)
from services.notifications.ports import DeliveryFailed
from tests.unit.notifications.conftest import MOMENT
from tests.unit.notifications.fakes import FixedClock
from tsunagu.webhook_targets import Resolver, TargetPolicy

NEW, OLD = b"n" * 32, b"o" * 32


async def _public(host: str, port: int) -> list[str]:
    return ["93.184.215.14"]


async def _private(host: str, port: int) -> list[str]:
    return ["10.0.0.9"]


async def _both_keys(agency_id: str) -> list[bytes]:
    return [NEW, OLD]


def _channel(seen: list[httpx.Request], resolver: Resolver) -> WebhookChannel:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    policy = TargetPolicy(environment="production", resolver=resolver)
    return WebhookChannel(client, keys=_both_keys, clock=FixedClock(MOMENT), targets=policy)


def _delivery(event: SourceEvent, url: str) -> Delivery:
    contact = AgencyContact("agency-b", 1, webhook_url=url)
    return plan_deliveries(event, contacts=[contact], now=MOMENT)[0]


async def test_a_delivery_is_signed_and_sent_to_the_address_checked(event: SourceEvent) -> None:
    seen: list[httpx.Request] = []
    await _channel(seen, _public).send(_delivery(event, "https://hooks.example.org:8443/in"))
    (request,) = seen
    assert str(request.url) == "https://93.184.215.14:8443/in"
    assert request.headers["host"] == "hooks.example.org:8443"
    assert request.extensions["sni_hostname"] == "hooks.example.org"
    assert request.headers["webhook-id"] == event.id
    assert request.headers["webhook-timestamp"] == str(int(MOMENT.timestamp()))
    assert request.content == webhook_body(event.for_recipient("agency-b"))  # its own copy
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    for key in (NEW, OLD):
        assert signature_matches(
            secret_text(key),
            message_id=event.id,
            timestamp=int(MOMENT.timestamp()),
            body=request.content,
            header=request.headers["webhook-signature"],
        )


async def test_a_private_address_outside_development_is_never_called(
    event: SourceEvent,
) -> None:
    seen: list[httpx.Request] = []
    with pytest.raises(DeliveryFailed, match="resolves to a private address"):
        await _channel(seen, _private).send(_delivery(event, "https://intranet.example.org/in"))
    with pytest.raises(DeliveryFailed, match="must use https"):
        await _channel(seen, _public).send(_delivery(event, "http://hooks.example.org/in"))
    assert seen == []
