"""The audit use cases: async functions of the audit log, and the process's one chain appender.

Recording keeps state between calls (the chain's head and one append at a time in a process),
so it is the one use case built as an object, once, by the composition root.
"""

from ..ports import AuditLog
from .reading import find_records, verify_export, verify_log, whole_chain
from .recording import ChainConflict, Recorded, RecordEvent, chained

__all__ = [
    "AuditLog",
    "ChainConflict",
    "RecordEvent",
    "Recorded",
    "chained",
    "find_records",
    "verify_export",
    "verify_log",
    "whole_chain",
]
