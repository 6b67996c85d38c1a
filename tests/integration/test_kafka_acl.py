"""Kafka authenticates every client and lets each principal touch only its own topics."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import TopicAuthorizationFailedError

from tests.infra import Endpoints
from tsunagu.messaging.login import KafkaLogin
from tsunagu_ops.kafka_access import create_acls, grant_agency, service_bindings, upsert_scram_user
from tsunagu_ops.kafka_access.principals import agency_principal
from tsunagu_schemas.topics import (
    DIRECTORY_EVENTS,
    NOTIFICATION_EVENTS,
    agency_topic,
    dead_letter_topic,
)


@pytest.fixture
def admin(endpoints: Endpoints) -> KafkaLogin:
    """The suite's super-user login; ACLs mean nothing on a Kafka without authentication."""
    if not endpoints.kafka_secured:
        pytest.skip(f"Kafka from {endpoints.mode} does not authenticate clients")
    return endpoints.kafka_login


def _as(admin: KafkaLogin, user: str, password: str) -> KafkaLogin:
    return KafkaLogin(admin.bootstrap_servers, user, password, security_protocol=admin.protocol)


@pytest.fixture
async def referrals_login(admin: KafkaLogin) -> KafkaLogin:
    """A fresh principal holding exactly the referrals service's rights."""
    user, password = f"test-referrals-{uuid.uuid4().hex[:8]}", secrets.token_urlsafe(16)
    await upsert_scram_user(admin, user, password)
    await create_acls(admin, service_bindings("referrals", principal=user))
    return _as(admin, user, password)


@pytest.fixture
async def producer(referrals_login: KafkaLogin) -> AsyncIterator[AIOKafkaProducer]:
    """An idempotent producer logged in with the referrals service's rights."""
    client = AIOKafkaProducer(**referrals_login.client_options(), enable_idempotence=True)
    await client.start()
    try:
        yield client
    finally:
        await client.stop()


async def test_a_service_cannot_write_another_services_topic(producer: AIOKafkaProducer) -> None:
    parked = await producer.send_and_wait(dead_letter_topic(DIRECTORY_EVENTS), b"parked", key=b"k")
    assert parked.offset >= 0, "it may park poison of the topics it consumes"
    with pytest.raises(TopicAuthorizationFailedError):
        await producer.send_and_wait(DIRECTORY_EVENTS, b'{"forged": true}', key=b"k")


async def test_a_service_cannot_read_what_it_does_not_consume(
    referrals_login: KafkaLogin,
) -> None:
    consumer = AIOKafkaConsumer(
        NOTIFICATION_EVENTS,
        **referrals_login.client_options(),
        group_id=f"{referrals_login.username}-reader",
    )
    with pytest.raises(TopicAuthorizationFailedError):
        await consumer.start()
    await consumer.stop()


async def test_an_agency_reads_its_own_topic_and_no_other(admin: KafkaLogin) -> None:
    own, other = f"acl-{uuid.uuid4().hex[:8]}", f"acl-{uuid.uuid4().hex[:8]}"
    password = secrets.token_urlsafe(16)
    assert await grant_agency(admin, own, password) == agency_principal(own)
    await grant_agency(admin, other, secrets.token_urlsafe(16))
    agency = _as(admin, agency_principal(own), password)
    group = f"{agency_principal(own)}.inbox"
    consumer = AIOKafkaConsumer(agency_topic(own), **agency.client_options(), group_id=group)
    await consumer.start()
    await consumer.stop()
    foreign = AIOKafkaConsumer(agency_topic(other), **agency.client_options(), group_id=group)
    with pytest.raises(TopicAuthorizationFailedError):
        await foreign.start()
    await foreign.stop()
