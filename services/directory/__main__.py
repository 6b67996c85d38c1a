"""Run the directory service: `python -m services.directory`."""

from __future__ import annotations

import uvicorn

from tsunagu.logs import configure_logging

from .adapters.mongo import SERVICE
from .main import create_app
from .settings import DirectorySettings


def main() -> None:
    """Read the settings, configure logging and serve the API."""
    settings = DirectorySettings()
    configure_logging(service=SERVICE, level=settings.log_level)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)


if __name__ == "__main__":
    main()
