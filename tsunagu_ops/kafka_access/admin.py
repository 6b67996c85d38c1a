"""Creating SCRAM users, ACLs and topics through Kafka's admin protocol, as the super user.

aiokafka's admin client has no call for ACLs or SCRAM users, so the requests are sent with
its protocol structures. The SCRAM salted password is PBKDF2-HMAC (RFC 5802's Hi function),
computed by `hashlib`; the password itself never leaves this process.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import Any, Final

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.client import AIOKafkaClient
from aiokafka.errors import for_code
from aiokafka.protocol.admin import CreateAclsRequest
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import (
    CompactArray,
    CompactBytes,
    CompactString,
    Int8,
    Int16,
    Int32,
    Schema,
    TaggedFields,
)

from tsunagu.messaging.login import KafkaLogin
from tsunagu_ops.kafka_access.policy import AclBinding

SCRAM_SHA_512: Final = 2  # Kafka's ScramMechanism code
SCRAM_ITERATIONS: Final = 8192
ALLOW: Final = 3
TOPIC_ALREADY_EXISTS: Final = 36


class AlterUserScramCredentialsResponse_v0(Response):  # noqa: N801 - Kafka's naming
    """The broker's answer, one result per user."""

    API_KEY = 51
    API_VERSION = 0
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        (
            "results",
            CompactArray(
                ("user", CompactString("utf-8")),
                ("error_code", Int16),
                ("error_message", CompactString("utf-8")),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class AlterUserScramCredentialsRequest_v0(RequestStruct):  # noqa: N801 - Kafka's naming
    """Upsert (or delete) SCRAM credentials, given salted passwords."""

    FLEXIBLE_VERSION = True
    API_KEY = 51
    API_VERSION = 0
    RESPONSE_TYPE = AlterUserScramCredentialsResponse_v0
    SCHEMA = Schema(
        (
            "deletions",
            CompactArray(
                ("name", CompactString("utf-8")), ("mechanism", Int8), ("tags", TaggedFields)
            ),
        ),
        (
            "upsertions",
            CompactArray(
                ("name", CompactString("utf-8")),
                ("mechanism", Int8),
                ("iterations", Int32),
                ("salt", CompactBytes),
                ("salted_password", CompactBytes),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class AlterUserScramCredentials(Request[AlterUserScramCredentialsRequest_v0]):
    """Set one user's SCRAM-SHA-512 password."""

    API_KEY = 51

    def __init__(self, user: str, password: str) -> None:
        self._user = user
        self._salt = secrets.token_bytes(32)
        self._salted = hashlib.pbkdf2_hmac(
            "sha512", password.encode(), self._salt, SCRAM_ITERATIONS
        )

    def build(
        self, request_struct_class: type[AlterUserScramCredentialsRequest_v0]
    ) -> AlterUserScramCredentialsRequest_v0:
        """The request with this user's upsertion."""
        upsertion: tuple[Any, ...] = (
            self._user,
            SCRAM_SHA_512,
            SCRAM_ITERATIONS,
            self._salt,
            self._salted,
            {},
        )
        return request_struct_class([], [upsertion], {})


async def _send(login: KafkaLogin, requests: Iterable[Request[Any]]) -> list[Any]:
    """Send requests one by one to a broker; return the responses."""
    client = AIOKafkaClient(**login.client_options())
    await client.bootstrap()
    try:
        node = client.get_random_node()
        return [await client.send(node, request) for request in requests]
    finally:
        await client.close()


def _raise_for(error_code: int, message: str | None, what: str) -> None:
    if error_code:
        raise for_code(error_code)(f"{what}: {message or ''}".strip())


async def upsert_scram_user(login: KafkaLogin, user: str, password: str) -> None:
    """Create or change the SCRAM-SHA-512 credential of `user` (needs a super user's login)."""
    (response,) = await _send(login, [AlterUserScramCredentials(user, password)])
    for name, error_code, message, _ in response.results:
        _raise_for(error_code, message, f"SCRAM credential of {name}")


async def create_acls(login: KafkaLogin, bindings: Iterable[AclBinding]) -> int:
    """Create ALLOW rules (creating an existing one changes nothing); return how many."""
    requests = [
        CreateAclsRequest(
            binding.resource_type,
            binding.resource_name,
            binding.pattern_type,
            binding.principal_name,
            "*",
            binding.operation,
            ALLOW,
        )
        for binding in bindings
    ]
    for response, request in zip(await _send(login, requests), requests, strict=True):
        for error_code, message in response.creation_responses:
            _raise_for(error_code, message, f"ACL {request._resource_name}")
    return len(requests)


def replication_for(brokers: int) -> tuple[int, int]:
    """A topic's replication factor and `min.insync.replicas` on a cluster of `brokers`: three
    copies, two of which must have a write before it is acknowledged, once there are three."""
    factor = max(1, min(3, brokers))
    return factor, max(1, factor - 1)


async def create_topics(
    login: KafkaLogin, names: Iterable[str], partitions: int = 3, brokers: int | None = None
) -> None:
    """Create the topics that do not exist yet, replicated as `replication_for` says for
    `brokers` (by default, the brokers the cluster lists now)."""
    admin = AIOKafkaAdminClient(**login.client_options())
    await admin.start()
    try:
        if brokers is None:
            brokers = len((await admin.describe_cluster())["brokers"])
        factor, min_insync = replication_for(brokers)
        config = {"min.insync.replicas": str(min_insync)}
        existing = set(await admin.list_topics())
        new = [
            NewTopic(name, partitions, factor, topic_configs=config)
            for name in names
            if name not in existing
        ]
        if new:
            response = await admin.create_topics(new)
            for name, error_code, *_ in response.topic_errors:
                if error_code not in (0, TOPIC_ALREADY_EXISTS):
                    _raise_for(error_code, None, f"topic {name}")
    finally:
        await admin.close()
