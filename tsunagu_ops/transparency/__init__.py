"""Checking the audit log from outside: offline verification of exports, proofs, a witness."""
