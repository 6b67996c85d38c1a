"""Local stack supervisor: Kafka, a MongoDB-wire store and the services, without containers."""

from tsunagu_ops.localstack.errors import LocalStackError, StartupError, ToolMissingError
from tsunagu_ops.localstack.layout import (
    StackLayout,
    default_home,
    default_layout,
    layout_for_tests,
)
from tsunagu_ops.localstack.parts import KAFKA, STORE, kafka_part, launch, stop_part, store_part
from tsunagu_ops.localstack.processes import (
    ProcessHandle,
    StopOutcome,
    SurvivedStopError,
    kill,
    stop,
    stop_all,
)
from tsunagu_ops.localstack.services import (
    SERVICES,
    ServiceSpec,
    service_env,
    service_spec,
    start_service,
    wait_service_ready,
)
from tsunagu_ops.localstack.stack import PartStatus, down, status, up, wipe

__all__ = [
    "KAFKA",
    "SERVICES",
    "STORE",
    "LocalStackError",
    "PartStatus",
    "ProcessHandle",
    "ServiceSpec",
    "StackLayout",
    "StartupError",
    "StopOutcome",
    "SurvivedStopError",
    "ToolMissingError",
    "default_home",
    "default_layout",
    "down",
    "kafka_part",
    "kill",
    "launch",
    "layout_for_tests",
    "service_env",
    "service_spec",
    "start_service",
    "status",
    "stop",
    "stop_all",
    "stop_part",
    "store_part",
    "up",
    "wait_service_ready",
    "wipe",
]
