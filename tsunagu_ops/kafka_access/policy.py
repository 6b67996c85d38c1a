"""The access policy as data: each principal's topics and consumer groups, nothing else.

Each service writes only the topics it owns (`TOPIC_OWNERS`) and the dead-letter topics of
those it consumes (it parks their poison there), reads only what it consumes, in consumer
groups named after it. Each agency reads only `tsunagu.agency.<its id>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Final

from tsunagu.messaging.dead_letter import replay_group
from tsunagu_ops.kafka_access.principals import agency_principal, service_principal
from tsunagu_schemas.topics import (
    AGENCY_TOPIC_PREFIX,
    DIRECTORY_DELIVERY,
    DIRECTORY_EVENTS,
    EVENT_TOPICS,
    NOTIFICATION_EVENTS,
    REFERRAL_EVENTS,
    TOPIC_OWNERS,
    agency_topic,
    dead_letter_topic,
)


class ResourceType(IntEnum):
    """Kafka's ACL resource types (wire values)."""

    TOPIC = 2
    GROUP = 3


class PatternType(IntEnum):
    """How an ACL's resource name matches (wire values)."""

    LITERAL = 3
    PREFIXED = 4


class Operation(IntEnum):
    """Kafka's ACL operations used here (wire values)."""

    READ = 3
    WRITE = 4
    CREATE = 5
    DESCRIBE = 8


@dataclass(frozen=True)
class AclBinding:
    """One ALLOW rule: `principal` may do `operation` on the matching resource, from any host."""

    principal: str
    resource_type: ResourceType
    resource_name: str
    pattern_type: PatternType
    operation: Operation

    @property
    def principal_name(self) -> str:
        """The principal as Kafka names it (`User:<name>`)."""
        return f"User:{self.principal}"


@dataclass(frozen=True)
class ServiceAccess:
    """What one service consumes and which topic prefixes it writes besides its own topics."""

    consumes: tuple[str, ...] = ()
    writes_prefixes: tuple[str, ...] = ()


SERVICE_ACCESS: Final = {
    "directory": ServiceAccess(),
    "referrals": ServiceAccess(consumes=(DIRECTORY_EVENTS,)),
    "notifications": ServiceAccess(
        consumes=(REFERRAL_EVENTS, DIRECTORY_DELIVERY), writes_prefixes=(AGENCY_TOPIC_PREFIX,)
    ),
    "audit": ServiceAccess(
        consumes=(REFERRAL_EVENTS, DIRECTORY_EVENTS, NOTIFICATION_EVENTS, DIRECTORY_DELIVERY)
    ),
}
"""Which topics each service reads (kept in step with its subscribers)."""


def written_topics(service: str) -> tuple[str, ...]:
    """The topics a service may write by exact name: its own and its consumed topics' DLQs."""
    own = tuple(topic for topic, owner in TOPIC_OWNERS.items() if owner == service)
    parked = tuple(dead_letter_topic(topic) for topic in SERVICE_ACCESS[service].consumes)
    return own + parked


def _topic(principal: str, name: str, pattern: PatternType, *ops: Operation) -> list[AclBinding]:
    return [AclBinding(principal, ResourceType.TOPIC, name, pattern, op) for op in ops]


def service_bindings(service: str, principal: str | None = None) -> list[AclBinding]:
    """Every ACL of one service's principal (or of `principal`, given the service's rights)."""
    principal = principal or service_principal(service)
    access = SERVICE_ACCESS[service]
    bindings: list[AclBinding] = []
    for topic in written_topics(service):
        bindings += _topic(principal, topic, PatternType.LITERAL, Operation.WRITE, Operation.CREATE)
    for prefix in access.writes_prefixes:
        bindings += _topic(
            principal, prefix, PatternType.PREFIXED, Operation.WRITE, Operation.CREATE
        )
    for topic in access.consumes:
        bindings += _topic(principal, topic, PatternType.LITERAL, Operation.READ)
        # its metrics read how much of what it parked awaits replay, and the oldest one's age
        bindings += _topic(principal, dead_letter_topic(topic), PatternType.LITERAL, Operation.READ)
        bindings.append(
            AclBinding(
                principal,
                ResourceType.GROUP,
                replay_group(topic),
                PatternType.LITERAL,
                Operation.DESCRIBE,
            )
        )
    if access.consumes:
        group = AclBinding(
            principal, ResourceType.GROUP, principal, PatternType.PREFIXED, Operation.READ
        )
        bindings.append(group)
    return bindings


def agency_bindings(agency_id: str) -> list[AclBinding]:
    """The ACLs of one agency: read its own topic, in consumer groups `agency-<id>.<name>`."""
    principal = agency_principal(agency_id)
    groups = f"{principal}."  # the dot keeps agency "a1" out of agency "a10"'s groups
    return [
        *_topic(principal, agency_topic(agency_id), PatternType.LITERAL, Operation.READ),
        AclBinding(principal, ResourceType.GROUP, groups, PatternType.PREFIXED, Operation.READ),
    ]


def stack_topics() -> tuple[str, ...]:
    """The topics provisioned up front: every event topic and its dead-letter topic."""
    return EVENT_TOPICS + tuple(dead_letter_topic(topic) for topic in EVENT_TOPICS)
