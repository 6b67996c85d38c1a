"""Entry point of the ``tsunagu`` command.

Each command module exposes ``register(app)``; add a module to ``COMMAND_MODULES`` to
make its commands available.
"""

from __future__ import annotations

import typer

from tsunagu_ops.cli import (
    audit,
    credentials,
    demo,
    directory,
    dlq,
    kafka,
    stack,
    store,
    witness,
)

COMMAND_MODULES = (stack, store, demo, audit, witness, dlq, directory, credentials, kafka)

app = typer.Typer(
    name="tsunagu",
    help="Run and inspect Tsunagu on this machine.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def main() -> None:
    """Tsunagu: referrals and handoffs between a city's support agencies."""


for module in COMMAND_MODULES:
    module.register(app)
