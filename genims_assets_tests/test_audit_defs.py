"""The audit assets in Dagster: the graph, the minute sensor on a real instance, one partition run with its checks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest

from genims_assets.audit.tables import SEQUENCE_MANAGER, audit_tables
from genims_assets.defs import audit
from genims_assets.defs.audit.assets import CHANGE_FED, CHECK, MANAGER_CHECK, audit_key, first_day, platform_fed
from genims_assets.defs.audit.sensors import SENSOR
from genims_assets.settings import SOURCE_DATABASES, Settings
from genims_assets_tests.test_audit_ship import build_world, drop_everything, gship_settings, mysql_rows, pending, pg

CAPTURED = ("erp", "crm")


@pytest.fixture(scope="module")
def world() -> Iterator[Settings]:
    settings = gship_settings()
    build_world(settings, shorts=CAPTURED, empty=tuple(s for s in SOURCE_DATABASES if s not in CAPTURED))
    yield settings
    drop_everything(settings)


@pytest.fixture(scope="module")
def definitions(world) -> dg.Definitions:
    return audit.defs(world)


def add_cost_centres(settings: Settings, *names: str) -> None:
    conn = pg(settings, "erp")
    with conn, conn.cursor() as cur:
        cur.execute("SET LOCAL genims.user_id = 'controller'")
        for name in names:
            cur.execute(
                "INSERT INTO cost_centers (cost_center_id, cost_center_code, cost_center_name) VALUES (%s, %s, %s)",
                (f"CC-{name}", f"C{name}", name),
            )
    conn.close()


def test_thirty_audit_assets_daily_partitions_checks_and_a_running_sensor():
    settings = gship_settings()
    defs = audit.defs(settings)
    graph = defs.resolve_asset_graph()
    keys = {k for k in graph.get_all_asset_keys() if k.path[0] == "audit"}
    assert keys == {audit_key(t) for t in [*audit_tables(), SEQUENCE_MANAGER]} and len(keys) == 30
    assert set(CHANGE_FED) | set(platform_fed()) == set(audit_tables()) and not set(CHANGE_FED) & set(platform_fed())
    for key in keys:
        node = graph.get(key)
        assert node.group_name == "audit" and node.owners and "mysql" in node.kinds, key
        assert node.description and len(node.description) > 30, key
        if key.path[-1] == SEQUENCE_MANAGER:
            assert node.partitions_def is None
            continue
        partitions = node.partitions_def
        assert isinstance(partitions, dg.DailyPartitionsDefinition) and partitions.timezone == "UTC", key
        assert partitions.start.date() == first_day(settings)
    checks = {(c.asset_key, c.name) for c in graph.asset_check_keys}
    assert checks == {(audit_key(t), CHECK) for t in audit_tables()} | {(audit_key(SEQUENCE_MANAGER), MANAGER_CHECK)}
    today = datetime.now(UTC).date()
    assert first_day(settings, today).year == (today - timedelta(days=2555)).year
    assert first_day(settings, today).timetuple()[1:3] == (1, 1)
    sensor = defs.resolve_sensor_def(SENSOR)
    assert sensor.minimum_interval_seconds == settings.audit_interval_seconds == 60
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    job = defs.resolve_job_def("audit_ship")
    assert {k for k in job.asset_layer.selected_asset_keys} == {audit_key(t) for t in audit_tables()}


def test_whole_code_location_loads_with_the_audit_layer():
    from genims_assets.definitions import build_definitions

    graph = build_definitions(gship_settings()).resolve_asset_graph()
    audit_keys = [k for k in graph.get_all_asset_keys() if k.path[0] == "audit"]
    assert len(audit_keys) == 30


def evaluate(definitions: dg.Definitions, instance: dg.DagsterInstance, cursor: str | None):
    sensor = definitions.resolve_sensor_def(SENSOR)
    context = dg.build_sensor_context(instance=instance, cursor=cursor, definitions=definitions)
    return sensor(context)


def test_sensor_requests_exactly_the_pending_days_once(world, definitions):
    instance = dg.DagsterInstance.ephemeral()
    today = datetime.now(UTC).date()
    yesterday = today - timedelta(days=1)
    first = evaluate(definitions, instance, None)
    assert first.run_requests == []  # nothing pending yet

    add_cost_centres(world, "s1", "s2")
    conn = pg(world, "crm")
    with conn, conn.cursor() as cur:  # an event of yesterday still pending (a late commit, or a stopped shipper)
        cur.execute(
            "INSERT INTO genims_audit.change_queue (event_time, event_kind, table_name, operation, new_row, pk_value) "
            "VALUES (now() - interval '1 day', 'row', 'accounts', 'INSERT', '{\"account_id\": \"A-late\"}', 'A-late')"
        )
    conn.close()
    result = evaluate(definitions, instance, first.cursor)
    assert sorted(r.partition_key for r in result.run_requests) == [yesterday.isoformat(), today.isoformat()]
    assert len({r.run_key for r in result.run_requests}) == 2
    assert set(json.loads(result.cursor)) == {yesterday.isoformat(), today.isoformat()}

    again = evaluate(definitions, instance, result.cursor)
    assert again.run_requests == []  # the same pending state never yields a second request

    add_cost_centres(world, "s3")
    fresh = evaluate(definitions, instance, again.cursor)
    assert [r.partition_key for r in fresh.run_requests] == [today.isoformat()]
    assert fresh.run_requests[0].run_key not in {r.run_key for r in result.run_requests}

    # A platform record pending in the outbox asks for its own day's partition.
    from genims_assets.audit.outbox import record

    two_days_ago = today - timedelta(days=2)
    when = datetime.combine(two_days_ago, datetime.min.time(), tzinfo=UTC) + timedelta(hours=5)
    record(world, "job_execution_audit", [{"event_timestamp": when, "run_id": "r-old", "job_name": "j",
                                           "run_status": "success"}], producer="test")  # fmt: skip
    platform = evaluate(definitions, instance, fresh.cursor)
    assert [r.partition_key for r in platform.run_requests] == [two_days_ago.isoformat()]

    # A run of today's partition in progress: today is not requested while it lasts.
    add_cost_centres(world, "s4")
    instance.add_run(
        dg.DagsterRun(job_name="audit_ship", status=dg.DagsterRunStatus.STARTED, tags={"dagster/partition": str(today)})
    )
    busy = evaluate(definitions, instance, platform.cursor)
    assert busy.run_requests == []


def test_one_partition_run_ships_every_feed_and_its_checks_pass(world, definitions):
    from genims_assets.audit.outbox import record

    today = datetime.now(UTC).date()
    add_cost_centres(world, "r1", "r2", "r3")
    conn = pg(world, "crm")
    with conn, conn.cursor() as cur:  # a backlog of over 20 batches (of 50 here): shipped by two processes
        cur.execute(
            "INSERT INTO accounts (account_id, account_number, account_name) "
            "SELECT 'B-' || g, 'B' || g, 'backlog' FROM generate_series(1, 1100) AS g"
        )
    conn.close()
    started = datetime.now(UTC)
    record(
        world,
        "job_execution_audit",
        [
            {
                "event_timestamp": started,
                "run_id": "r-test",
                "job_name": "reporting_daily_refresh",
                "run_status": "success",
            }
        ],
        producer="test",
    )
    queued_today = pending(world, "erp")
    job = definitions.resolve_job_def("audit_ship")
    instance = dg.DagsterInstance.ephemeral()
    result = job.execute_in_process(partition_key=today.isoformat(), instance=instance)
    assert result.success

    materialized = {m.asset_key: m.metadata for m in result.asset_materializations_for_node("audit_change_feed")}
    assert set(materialized) >= {audit_key(t) for t in CHANGE_FED}
    shipped = materialized[audit_key("system_audit_log")]
    assert shipped["events_shipped"].value >= len(queued_today) + 1101
    assert shipped["events_per_database"].value[world.postgres.databases["crm"]] == 1101
    assert shipped["shipper_processes"].value == 2
    assert materialized[audit_key("customer_data_changes")]["rows_inserted"].value == 1100
    assert shipped["rows_inserted"].value >= 3
    assert materialized[audit_key("configuration_changes")]["rows_inserted"].value >= 3  # cost_centers: config
    platform = {m.asset_key: m.metadata for m in result.asset_materializations_for_node("audit_platform_records")}
    assert platform[audit_key("job_execution_audit")]["rows_inserted"].value == 1
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == len(audit_tables())
    assert all(e.passed for e in evaluations), [e.description for e in evaluations if not e.passed]
    counters = instance.fetch_materializations(audit_key(SEQUENCE_MANAGER), limit=1).records
    assert (
        counters
        and counters[0].asset_materialization.metadata["counters"].value["system_audit_log"]["last_sequence"]
        == mysql_rows(world, "SELECT MAX(audit_sequence) FROM system_audit_log")[0][0]
    )
    assert pending(world, "erp") == []
    assert len(pending(world, "crm")) == 1  # yesterday's event belongs to yesterday's partition: not shipped here

    manager = dg.materialize(
        [a for a in definitions.assets if isinstance(a, dg.AssetsDefinition) and audit_key(SEQUENCE_MANAGER) in a.keys],
        instance=instance,
    )
    assert manager.success
    (check,) = manager.get_asset_check_evaluations()
    assert check.passed, check.description
