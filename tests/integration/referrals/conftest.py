"""The referrals service, running in-process against the real Kafka and store."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from services.referrals.main import create_app
from services.referrals.settings import ReferralsSettings
from tests.access import PrincipalAuth, TestIssuer
from tests.infra import Endpoints
from tests.integration.harness import ServiceEnv, running
from tests.integration.kafka_positions import end_offsets
from tests.integration.referrals.network import Network
from tsunagu.store import make_client
from tsunagu_schemas.topics import DIRECTORY_EVENTS


@pytest.fixture(scope="session")
def referrals_settings(endpoints: Endpoints, test_issuer: TestIssuer) -> ReferralsSettings:
    """Settings isolating the referrals tests' database and consumer group."""
    env = ServiceEnv(
        kafka_bootstrap_servers=endpoints.kafka_bootstrap_servers,
        mongo_url=endpoints.mongo_url,
        run_id=uuid.uuid4().hex[:10],
        auth_issuer=test_issuer.url,
    )
    return ReferralsSettings(**env.settings_kwargs("referrals"))


async def start_group_at_the_end(settings: ReferralsSettings) -> None:
    """Commit the group's offsets at the end of the directory topic.

    The topic is shared by the whole suite: replaying its history would make every run slower
    than the last. The tests announce their own agencies after the service started.
    """
    await end_offsets(
        settings.kafka_bootstrap_servers, [DIRECTORY_EVENTS], group_id=settings.consumer_group
    )


@pytest.fixture(scope="session")
async def network(
    referrals_settings: ReferralsSettings, test_issuer: TestIssuer
) -> AsyncIterator[Network]:
    """The service, started once (one catch-up on the directory); tests use own agencies."""
    store = make_client(referrals_settings.mongo_url)
    agencies = store[referrals_settings.database]["agencies"]
    await start_group_at_the_end(referrals_settings)
    try:
        auth = PrincipalAuth(test_issuer)
        async with running(create_app(referrals_settings), auth) as http:
            yield Network(
                http=http,
                bootstrap=referrals_settings.kafka_bootstrap_servers,
                agencies=agencies,
            )
    finally:
        await store.drop_database(referrals_settings.database)
        await store.close()


@pytest.fixture
async def replica(
    network: Network, referrals_settings: ReferralsSettings, test_issuer: TestIssuer
) -> AsyncIterator[httpx.AsyncClient]:
    """A second replica beside the suite's: same database and consumer group, its own relay
    and its own cache of data keys."""
    async with running(create_app(referrals_settings), PrincipalAuth(test_issuer)) as http:
        yield http
