"""Run the notifications service: `python -m services.notifications`."""

from __future__ import annotations

import uvicorn

from services.notifications.main import create_app
from services.notifications.settings import NotificationsSettings
from tsunagu.logs import configure_logging


def main() -> None:
    """Read the settings, configure logging and serve."""
    settings = NotificationsSettings()
    configure_logging(service="notifications", level=settings.log_level)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)


if __name__ == "__main__":
    main()
