"""The platform's Dagster instance (dagster.yaml `instance_class`) pools its PostgreSQL storage connections:
dagster-postgres alone opens one connection per event written."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import dagster as dg
import pytest
import yaml
from sqlalchemy import event
from sqlalchemy.pool import Pool

from genims_assets.instance import PooledInstance
from genims_assets_tests.test_audit_store import postgres_sql

DB = "gtest_genims_dagster_pool"
EVENTS = 60
PROJECT_YAML = Path(__file__).resolve().parents[1] / "dagster.yaml"


@pytest.fixture(scope="module")
def homes(settings):
    """Two DAGSTER_HOMEs on one fresh PostgreSQL database: the project's dagster.yaml, and the same without the
    instance class (plain dagster-postgres)."""
    postgres_sql(settings, f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    postgres_sql(settings, f"CREATE DATABASE {DB}")
    project, plain = tempfile.mkdtemp(prefix="gtest-home-"), tempfile.mkdtemp(prefix="gtest-home-")
    shutil.copy(PROJECT_YAML, Path(project) / "dagster.yaml")
    config = yaml.safe_load(PROJECT_YAML.read_text())
    config.pop("instance_class")
    (Path(plain) / "dagster.yaml").write_text(yaml.safe_dump(config))
    previous = os.environ.get("DAGSTER_PG_DB")
    os.environ["DAGSTER_PG_DB"] = DB
    try:
        yield project, plain
    finally:
        if previous is not None:
            os.environ["DAGSTER_PG_DB"] = previous
        for home in (project, plain):
            shutil.rmtree(home, ignore_errors=True)
        postgres_sql(settings, f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


def _connections_opened(home: str, events: int) -> tuple[type, int]:
    """The instance class of `home`, and the connections materialising an asset that logs `events` events opens."""

    @dg.asset(name=f"chatty_{events}")
    def chatty(context):
        for n in range(events):
            context.log.info(f"event {n}")

    opened = []

    def count(*_):
        opened.append(1)

    with dg.DagsterInstance.from_config(home) as instance:
        event.listen(Pool, "connect", count)
        try:
            assert dg.materialize([chatty], instance=instance).success
        finally:
            event.remove(Pool, "connect", count)
        return type(instance), len(opened)


def test_the_project_instance_pools_storage_connections(homes):
    project, plain = homes
    kind, plain_count = _connections_opened(plain, EVENTS)
    assert kind is dg.DagsterInstance and plain_count >= EVENTS, "plain dagster-postgres: a connection per event"
    kind, pooled = _connections_opened(project, EVENTS)
    assert kind is PooledInstance
    _, pooled_twice = _connections_opened(project, 2 * EVENTS)
    assert pooled <= 10 and pooled_twice <= 10, (pooled, pooled_twice, plain_count)
