"""Operator tooling: the `tsunagu` command, the local stack, the demo, the bench, DLQ replay."""
