"""Kafka wiring: the broker, at-least-once consumers with dead-lettering, publishing."""

from .broker import make_broker
from .consumer import EventHandler, TransientError, subscribe

__all__ = ["EventHandler", "TransientError", "make_broker", "subscribe"]
