from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pymongo import AsyncMongoClient

from sightsync.common.ids import new_id
from sightsync.common.storage import Document, create_client
from tests.support.backing import create_vhost, delete_vhost, start_database


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url, embedded = start_database(Path(tmp_path_factory.mktemp("db")))
    yield url
    if embedded is not None:
        embedded.stop()


@pytest.fixture
def vhost() -> Iterator[tuple[str, str]]:
    """(name, amqp url) of a fresh vhost, deleted after the test."""
    name, url = create_vhost()
    yield name, url
    delete_vhost(name)


@pytest.fixture
def broker_url(vhost: tuple[str, str]) -> str:
    return vhost[1]


@pytest.fixture
def db_prefix() -> str:
    """A database prefix no other test uses, so each test has fresh databases."""
    return new_id("req").lower().replace("req_", "t")


@pytest.fixture
async def mongo(database_url: str, db_prefix: str) -> AsyncIterator[AsyncMongoClient[Document]]:
    client = create_client(database_url)
    yield client
    for name in await client.list_database_names():
        if name.startswith(db_prefix):
            await client.drop_database(name)
    await client.close()
