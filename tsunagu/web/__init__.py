"""HTTP pieces every service shares: problem+json errors, health, metrics, the acting agency."""

from .acting import ActingAgency
from .app import ReadinessCheck, create_app
from .problems import Problem, problem_responses
from .readiness import store_and_kafka

__all__ = [
    "ActingAgency",
    "Problem",
    "ReadinessCheck",
    "create_app",
    "problem_responses",
    "store_and_kafka",
]
