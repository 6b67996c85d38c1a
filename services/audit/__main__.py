"""Run the audit service: `python -m services.audit`."""

from __future__ import annotations

import uvicorn

from services.audit.main import create_app
from services.audit.settings import AuditSettings
from tsunagu.logs import configure_logging


def main() -> None:
    """Start the audit service with settings from the environment."""
    settings = AuditSettings()
    configure_logging(service="audit", level=settings.log_level)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)


if __name__ == "__main__":
    main()
