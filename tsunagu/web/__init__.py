"""HTTP pieces every service shares: problem+json errors, health, metrics, the acting agency."""

from .acting import ActingAgency
from .app import ReadinessCheck, create_app
from .problems import Problem, problem_responses

__all__ = ["ActingAgency", "Problem", "ReadinessCheck", "create_app", "problem_responses"]
