"""The directory: which agencies exist, what they offer, where, and whether they take referrals.

Tools outside the service use only what this module exports: `register_first_client` writes a
client straight into the directory's store, so the local stack can create its first coordinator
credential before any token exists; `ensure_signing_key` makes the built-in issuer's first key,
so that several replicas started at once share it.
"""

from .identity.bootstrap import ensure_signing_key, register_first_client

__all__ = ["ensure_signing_key", "register_first_client"]
