"""The referrals service: a person's journey from agency to agency, with its legal basis.

Tools outside the service use only what this module exports: the vault that seals a person's
data, so the benchmark can measure what sealing costs as the service pays it.
"""

from .adapters.subject_vault import SubjectVault

__all__ = ["SubjectVault"]
