"""Command-line interface of Tsunagu."""
