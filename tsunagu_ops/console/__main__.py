"""``python -m tsunagu_ops.console``: serve the console as its settings say."""

from __future__ import annotations

import uvicorn

from tsunagu_ops.console.app import console_app
from tsunagu_ops.console.settings import ConsoleSettings


def main() -> None:
    """Serve the console until stopped."""
    settings = ConsoleSettings()
    uvicorn.run(console_app(settings), host=settings.host, port=settings.port, log_level="info")


if __name__ == "__main__":
    main()
