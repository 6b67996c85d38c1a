"""The directory: which agencies exist, what they offer, where, and whether they take referrals.

Tools outside the service use only what this module exports: `register_first_client` writes a
client straight into the directory's store, so the local stack can create its first coordinator
credential before any token exists.
"""

from .identity.bootstrap import register_first_client

__all__ = ["register_first_client"]
