"""The audit service: a hash-chained, verifiable record of every event in the network.

Tools outside the service use only what this module exports: `verify_export` checks a
JSON-lines export offline; the rest lets a benchmark store a chain as the service would.
"""

from .adapters.mongo import COLLECTION as RECORDS_COLLECTION
from .adapters.mongo import MongoAuditLog, stored_documents
from .domain import AuditRecord, ObservedEvent, Verification
from .use_cases import chained, verify_export

__all__ = [
    "RECORDS_COLLECTION",
    "AuditRecord",
    "MongoAuditLog",
    "ObservedEvent",
    "Verification",
    "chained",
    "stored_documents",
    "verify_export",
]
