"""HTTP pieces every service shares: problem+json errors, health, metrics, the acting agency."""

from .acting import ActingAgency, Caller
from .app import ReadinessCheck, create_app, ports_of
from .headers import ExpectedVersion, RequiredVersion, Trace, continued_trace, expected_version
from .problems import Problem, ProblemMap, problem_responses
from .readiness import store_and_kafka

__all__ = [
    "ActingAgency",
    "Caller",
    "ExpectedVersion",
    "Problem",
    "ProblemMap",
    "ReadinessCheck",
    "RequiredVersion",
    "Trace",
    "continued_trace",
    "create_app",
    "expected_version",
    "ports_of",
    "problem_responses",
    "store_and_kafka",
]
