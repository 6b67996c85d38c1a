"""The audit service: a hash-chained, verifiable record of every event in the network."""
