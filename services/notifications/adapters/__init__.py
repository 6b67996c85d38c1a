"""Adapters of the notifications service: store, channels, HTTP routes, Kafka handlers."""
