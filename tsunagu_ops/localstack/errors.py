"""Errors raised by the local stack supervisor."""

from __future__ import annotations


class LocalStackError(RuntimeError):
    """A part of the local stack could not be provisioned, started or stopped."""


class ToolMissingError(LocalStackError):
    """A program needed to provision the local stack is not installed."""


class StartupError(LocalStackError):
    """A process did not become ready in time or exited during startup."""
