"""`python -m services.referrals`: run the referrals service."""

from __future__ import annotations

import uvicorn

from tsunagu.logs import configure_logging

from .main import create_app
from .settings import ReferralsSettings


def main() -> None:
    """Read the settings, configure logs and serve the app."""
    settings = ReferralsSettings()
    configure_logging(service="referrals", level=settings.log_level)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)


if __name__ == "__main__":
    main()
