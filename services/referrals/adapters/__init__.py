"""Adapters of the referrals service: the store, HTTP routes, Kafka subscribers, the clock."""
