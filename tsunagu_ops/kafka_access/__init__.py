"""Kafka principals and ACLs: who may write and read which topic, and provisioning them."""

from tsunagu_ops.kafka_access.admin import create_acls, create_topics, upsert_scram_user
from tsunagu_ops.kafka_access.policy import (
    SERVICE_ACCESS,
    AclBinding,
    Operation,
    PatternType,
    ResourceType,
    agency_bindings,
    service_bindings,
    stack_topics,
)
from tsunagu_ops.kafka_access.provisioning import grant_agency, provision_services

__all__ = [
    "SERVICE_ACCESS",
    "AclBinding",
    "Operation",
    "PatternType",
    "ResourceType",
    "agency_bindings",
    "create_acls",
    "create_topics",
    "grant_agency",
    "provision_services",
    "service_bindings",
    "stack_topics",
    "upsert_scram_user",
]
