"""The platform's Dagster instance (dagster.yaml `instance_class`) pools its PostgreSQL storage connections:
dagster-postgres alone opens one connection per event written."""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import pytest
import yaml
from dagster._core.events import DagsterEventType
from dagster_postgres import PostgresEventLogStorage
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from genims_assets.defs.reporting.schedules import RANGE_END, RANGE_START
from genims_assets.instance import BatchingPostgresEventLogStorage, PooledInstance
from genims_assets_tests.test_audit_store import own_dagster_database

DB = "gtest_genims_dagster_pool"
EVENTS = 60
PROJECT_YAML = Path(__file__).resolve().parents[1] / "dagster.yaml"


@pytest.fixture(scope="module")
def homes(settings):
    """Two DAGSTER_HOMEs on one fresh PostgreSQL database: the project's dagster.yaml, and the same with
    dagster-postgres's own instance and event-log storage classes."""
    project, plain = tempfile.mkdtemp(prefix="gtest-home-"), tempfile.mkdtemp(prefix="gtest-home-")
    shutil.copy(PROJECT_YAML, Path(project) / "dagster.yaml")
    config = yaml.safe_load(PROJECT_YAML.read_text())
    config.pop("instance_class")
    config["event_log_storage"] |= {"module": "dagster_postgres.event_log", "class": "PostgresEventLogStorage"}
    (Path(plain) / "dagster.yaml").write_text(yaml.safe_dump(config))
    try:
        with own_dagster_database(settings, DB):
            yield project, plain
    finally:
        for home in (project, plain):
            shutil.rmtree(home, ignore_errors=True)


@contextmanager
def listening(target, identifier: str, listener):
    """A SQLAlchemy event listener for the duration of the block."""
    event.listen(target, identifier, listener)
    try:
        yield
    finally:
        event.remove(target, identifier, listener)


def _connections_opened(home: str, events: int) -> tuple[type, int]:
    """The instance class of `home`, and the connections materialising an asset that logs `events` events opens."""

    @dg.asset(name=f"chatty_{events}")
    def chatty(context):
        for n in range(events):
            context.log.info(f"event {n}")

    opened = []
    with dg.DagsterInstance.from_config(home) as instance:
        with listening(Pool, "connect", lambda *_: opened.append(1)):
            assert dg.materialize([chatty], instance=instance).success
        return type(instance), len(opened)


def test_the_project_instance_pools_storage_connections(homes):
    project, plain = homes
    kind, plain_count = _connections_opened(plain, EVENTS)
    assert kind is dg.DagsterInstance and plain_count >= EVENTS, "plain dagster-postgres: a connection per event"
    kind, pooled = _connections_opened(project, EVENTS)
    assert kind is PooledInstance
    _, pooled_twice = _connections_opened(project, 2 * EVENTS)
    assert pooled <= 10 and pooled_twice <= 10, (pooled, pooled_twice, plain_count)


DAYS = dg.DailyPartitionsDefinition(start_date="2026-01-01")
RANGE = ("2026-01-01", "2026-02-09")  # 40 daily partitions in one run, as a backfill of a range runs them


def _range_run(home: str, fail: bool) -> tuple[type, int, list, tuple[dict, list]]:
    """Materialise a daily asset with a check over RANGE in one run; returns the event-log storage class, the
    INSERT statements into the event log, the run's events, and (the partitions' status, the check's runs)."""

    @dg.asset(name="ranged", partitions_def=DAYS, check_specs=[dg.AssetCheckSpec("rows_ok", asset="ranged")])
    def ranged(context):
        if fail:
            raise RuntimeError("source unavailable")
        for key in context.partition_keys:
            context.log.debug(key)
        yield dg.MaterializeResult(check_results=[dg.AssetCheckResult(passed=True)])

    inserts = []

    def count(_conn, _cursor, statement, *_):
        if statement.lstrip().upper().startswith("INSERT INTO EVENT_LOGS"):
            inserts.append(statement)

    with dg.DagsterInstance.from_config(home) as instance:
        event.listen(Engine, "before_cursor_execute", count)
        try:
            result = dg.materialize([ranged], instance=instance, raise_on_error=False,
                                    tags={RANGE_START: RANGE[0], RANGE_END: RANGE[1]})
        finally:
            event.remove(Engine, "before_cursor_execute", count)
        assert result.success is not fail
        records = instance.get_records_for_run(result.run_id, limit=10_000).records
        key = dg.AssetKey("ranged")
        partitions = DAYS.get_partition_keys_in_range(dg.PartitionKeyRange(*RANGE))
        status = instance.get_status_by_partition(key, partitions, DAYS)
        check_runs = instance.event_log_storage.get_asset_check_execution_history(
            dg.AssetCheckKey(key, "rows_ok"), limit=5)
        return (type(instance.event_log_storage), len(inserts), [r.event_log_entry for r in records],
                (status, check_runs))


def _of_type(entries: list, kind: DagsterEventType) -> list:
    return [e for e in entries if e.dagster_event and e.dagster_event.event_type == kind]


@pytest.mark.parametrize("fail", [False, True], ids=["succeeds", "fails"])
def test_a_range_run_writes_every_partition_event_in_few_statements(homes, fail):
    project, plain = homes
    days = DAYS.get_partition_keys_in_range(dg.PartitionKeyRange(*RANGE))
    outcome = {}
    for name, home in (("plain", plain), ("project", project)):
        storage, inserts, entries, (status, check_runs) = _range_run(home, fail)
        planned = _of_type(entries, DagsterEventType.ASSET_MATERIALIZATION_PLANNED)
        # Every partition is announced and ends materialised, or failed (the UI's partition status: from the
        # planned events of a failed run), whichever the storage.
        assert sorted(e.dagster_event.partition for e in planned) == days, name
        done = _of_type(entries, DagsterEventType.ASSET_MATERIALIZATION)
        assert sorted(e.dagster_event.partition for e in done) == ([] if fail else days), name
        expected = dg.AssetPartitionStatus.FAILED if fail else dg.AssetPartitionStatus.MATERIALIZED
        assert set(status.values()) == {expected} and len(status) == len(days), (name, set(status.values()))
        assert check_runs and check_runs[0].run_id == entries[0].run_id, name
        outcome[name] = (storage, inserts)
    assert outcome["plain"][0] is PostgresEventLogStorage
    assert outcome["project"][0] is BatchingPostgresEventLogStorage
    # plain: one INSERT per planned event and per materialisation; the project's storage: one per batch
    batched = len(days) * (1 if fail else 2)
    assert outcome["plain"][1] >= batched, outcome
    assert outcome["project"][1] <= outcome["plain"][1] - batched + 10, outcome


def _catalog_queries(home: str, checks: int) -> tuple[int, list]:
    """Catalog (schema) queries made while materialising an asset with `checks` checks, and its check results."""
    specs = [dg.AssetCheckSpec(f"check_{n}", asset=f"checked_{checks}") for n in range(checks)]

    @dg.asset(name=f"checked_{checks}", check_specs=specs)
    def checked():
        return dg.MaterializeResult(check_results=[dg.AssetCheckResult(check_name=s.name, passed=True) for s in specs])

    statements = []
    record = lambda _conn, _cursor, statement, *_: statements.append(statement)  # noqa: E731
    with dg.DagsterInstance.from_config(home) as instance:
        with listening(Engine, "before_cursor_execute", record):
            assert dg.materialize([checked], instance=instance).success
        results = [instance.event_log_storage.get_latest_asset_check_execution_by_key([s.key])[s.key].status.value
                   for s in specs]
    return sum("pg_catalog" in s for s in statements), results


def test_the_project_event_log_asks_the_catalog_once_per_table(homes):
    project, plain = homes
    plain_12, plain_24 = _catalog_queries(plain, 12)[0], _catalog_queries(plain, 24)[0]
    assert plain_24 - plain_12 >= 24, "dagster-postgres: catalog queries before every planned and evaluated check"
    (project_12, _), (project_24, results) = _catalog_queries(project, 12), _catalog_queries(project, 24)
    assert project_24 == project_12 < plain_12, (project_12, project_24, plain_12, plain_24)
    assert results == ["SUCCEEDED"] * 24, "every check evaluation is still stored"
    with dg.DagsterInstance.from_config(project) as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, BatchingPostgresEventLogStorage)
        asked = []
        original = PostgresEventLogStorage.has_table

        def spy(self, name):
            asked.append(name)
            return original(self, name)

        PostgresEventLogStorage.has_table = spy
        try:
            found = [storage.has_table(t) for t in ("event_logs", "event_logs", "no_such_table", "no_such_table")]
        finally:
            PostgresEventLogStorage.has_table = original
    assert found == [True, True, False, False]
    assert asked == ["event_logs", "no_such_table", "no_such_table"], "a table not found is asked again"
