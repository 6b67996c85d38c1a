"""Webhook URLs checked when an agency records them, by the rules deliveries follow."""

from __future__ import annotations

from tsunagu.webhook_targets import TargetPolicy, TargetRefused

from ..domain import WebhookRefused


class CheckedWebhooks:
    """Refuses what the notifications service would refuse to call in this environment."""

    def __init__(self, policy: TargetPolicy) -> None:
        self._policy = policy

    async def check(self, url: str) -> None:
        """Return if the URL may be called now; raise WebhookRefused saying why not."""
        try:
            await self._policy.check(url)
        except TargetRefused as exc:
            raise WebhookRefused(url, str(exc)) from exc
