"""What Tsunagu's services share: settings, logs, Kafka wiring, the outbox relay, the store."""
