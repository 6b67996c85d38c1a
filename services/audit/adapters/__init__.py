"""How the audit service meets the world: the store, Kafka and HTTP."""
