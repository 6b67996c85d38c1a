"""The referrals service: a person's journey from agency to agency, with its legal basis.

Tools outside the service use only what this module exports: the vault that seals a person's
data and the log that records each read of it, so the benchmark can measure what sealing and
recording cost as the service pays them.
"""

from .adapters.subject_vault import SubjectVault
from .adapters.subject_view_store import MongoSubjectViews
from .domain import Standing, SubjectView

__all__ = ["MongoSubjectViews", "Standing", "SubjectVault", "SubjectView"]
