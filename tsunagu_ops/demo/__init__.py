"""The demo: the city's support network, and one person's journey through it."""
