"""The reporting guard rails: drift, freshness, check failures in the event log, schedule, retention."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import dagster as dg
import pytest
from dagster._core.test_utils import freeze_time

from genims_assets.definitions import build_definitions
from genims_assets.defs.reporting.assets import build_reporting_asset, freshness_checks, reporting_key
from genims_assets.defs.reporting.retention import expired_partitions
from genims_assets.defs.reporting.schedules import (
    HOURLY_RUN_CONFIG,
    RANGE_END,
    RANGE_START,
    partitions_to_refresh,
)
from genims_assets.defs.reporting.spec import DAILY, MONTHLY
from genims_assets.defs.reporting.tables import REPORTING_TABLES
from genims_assets.resources import build_resources
from genims_assets_tests.reporting_harness import START, ReportingHarness

DAY = "2026-03-10"
MACHINES = [f"M{i:02d}" for i in range(20)]


@pytest.fixture(scope="module")
def harness():
    h = ReportingHarness("chk", today=date(2026, 3, 15))
    h.insert("master", "factories", [{"factory_id": "F1", "factory_name": "Plant", "country": "India", "city": "Pune"}])
    h.insert(
        "master",
        "machines",
        [{"machine_id": m, "line_id": "L1", "factory_id": "F1", "machine_name": m} for m in MACHINES],
    )
    h.insert(
        "operational",
        "scada_machine_data",
        [
            {
                "scada_id": i + 1,
                "machine_id": m,
                "line_id": "L1",
                "factory_id": "F1",
                "timestamp": datetime(2026, 3, 10, 13, 59, 59),
                "machine_state": "running",
                "parts_produced_shift": 100,
                "parts_rejected_shift": 1,
                "target_cycle_time_seconds": 60,
                "power_consumption_kw": 10.0,
                "uptime_seconds_shift": 25000,
                "downtime_seconds_shift": 2000,
            }
            for i, m in enumerate(MACHINES)
        ],
    )
    yield h
    h.drop()


def test_drift_check_fails_when_a_tenth_of_the_source_rows_disappear(harness):
    first = harness.materialize("machine_performance_daily", DAY)
    assert harness.check_results(first)["row_count_drift"].passed
    harness.execute_source("operational", "DELETE FROM scada_machine_data WHERE machine_id IN ('M00', 'M01')")
    second = harness.materialize("machine_performance_daily", DAY)
    drift = harness.check_results(second)["row_count_drift"]
    assert not drift.passed
    assert drift.metadata["current"].value == 18 and drift.metadata["previous"].value == 20
    assert drift.metadata["drift_pct"].value == pytest.approx(10.0)
    # Reconciliation still holds: the table agrees with what the source now says.
    assert harness.check_results(second)["reconciles_with_source"].passed
    # The failure is in the instance's event log, with its metadata, where alerting reads it.
    record = harness.instance.get_latest_asset_check_evaluation_record(
        dg.AssetCheckKey(reporting_key("machine_performance_daily"), "row_count_drift")
    )
    evaluation = record.event.dagster_event.event_specific_data
    assert evaluation.passed is False and evaluation.metadata["drift_pct"].value == pytest.approx(10.0)


def test_reconciliation_fails_when_the_target_disagrees_with_the_source(harness):
    harness.materialize("machine_performance_daily", DAY)
    # A row that no source explains (someone edited the reporting table by hand) breaks the control total.
    from genims_assets.connections import mysql_connect

    conn = mysql_connect(harness.settings.reporting, autocommit=True)
    with conn.cursor() as cur:
        cur.execute("UPDATE machine_performance_daily SET units_produced = units_produced + 5 WHERE machine_id = 'M05'")
    conn.close()
    spec = harness.specs["machine_performance_daily"]
    from genims_assets.defs.reporting import materialize as m
    from genims_assets.defs.reporting.spec import Window

    window = Window(datetime(2026, 3, 10), datetime(2026, 3, 11), datetime(2026, 3, 15), (DAY,))
    resources = build_resources(harness.settings)
    sources = {"operational": resources["source_operational"]}
    source, target = m.source_totals(spec, sources, window), m.target_totals(spec, resources["mysql_reporting"], window)
    assert source[DAY] + 5 == target[DAY]


def test_freshness_check_fails_when_the_last_load_is_older_than_an_hour(harness):
    asset = build_reporting_asset(harness.specs["machine_performance_daily"], harness.settings, START)
    (check,) = freshness_checks([asset])
    instance = dg.DagsterInstance.ephemeral()
    resources = build_resources(harness.settings)
    now = datetime.now(UTC)
    with freeze_time(now - timedelta(minutes=90)):
        assert dg.materialize([asset], resources=resources, partition_key=DAY, instance=instance).success
    with freeze_time(now):
        result = dg.materialize(
            [asset, check],
            selection=dg.AssetSelection.checks(check),
            resources=resources,
            instance=instance,
            raise_on_error=False,
        )
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.check_name == "freshness_check" and not evaluation.passed
    with freeze_time(now - timedelta(minutes=30)):
        result = dg.materialize(
            [asset, check],
            selection=dg.AssetSelection.checks(check),
            resources=resources,
            instance=instance,
            raise_on_error=False,
        )
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.passed


def stamp_of(tick: datetime) -> str:
    return tick.strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(
    ("tick", "daily", "monthly"),
    [
        (datetime(2026, 3, 10, 14, 0, tzinfo=UTC), ["2026-03-10", "2026-03-09"], ["2026-03-01"]),
        (datetime(2026, 3, 1, 0, 0, tzinfo=UTC), ["2026-03-01", "2026-02-28"], ["2026-03-01", "2026-02-01"]),
    ],
)
def test_the_hourly_schedules_request_current_and_late_partitions(settings, tick, daily, monthly):
    definitions = build_definitions(settings)
    expected = {"reporting_daily_refresh_hourly": daily, "reporting_monthly_refresh_hourly": monthly}
    # Two schedules: the snapshot tables refresh in the monthly run (its job's other assets).
    assert {s.name for s in definitions.schedules if s.name.startswith("reporting_")} == {
        *expected,
        "reporting_retention_daily",
    }
    for name, keys in expected.items():
        schedule = definitions.resolve_schedule_def(name)
        assert schedule.cron_schedule == "0 * * * *" and schedule.execution_timezone == "UTC"
        assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
        with dg.build_schedule_context(
            scheduled_execution_time=tick, repository_def=definitions.get_repository_def()
        ) as context:
            requests = schedule.evaluate_tick(context).run_requests
        job = definitions.resolve_job_def(schedule.job_name)
        cadence = {"reporting_daily_refresh_hourly": DAILY, "reporting_monthly_refresh_hourly": MONTHLY}[name]
        wanted = {
            reporting_key(t.name)
            for t in REPORTING_TABLES
            if (t.partitioned and t.cadence == cadence) or (cadence == MONTHLY and not t.partitioned)
        }
        # One run per tick and cadence over the range of the partitions to refresh (a single-run backfill), of
        # every asset of its job: all the daily tables, or the monthly and the snapshot tables.
        assert len(requests) == 1 and requests[0].asset_selection is None
        assert set(job.asset_layer.executable_asset_keys) == wanted
        for request in requests:
            if len(keys) == 1:
                assert request.partition_key == keys[0]
            else:
                assert request.partition_key is None
                assert (request.tags[RANGE_START], request.tags[RANGE_END]) == (min(keys), max(keys))
            assert stamp_of(tick) in request.run_key
        # The hourly runs execute their steps two at a time in threads of the run worker (a step is shorter than a
        # step process's start), and the job accepts it.
        assert all(r.run_config == HOURLY_RUN_CONFIG for r in requests)
        assert HOURLY_RUN_CONFIG["execution"]["config"] == {"threads": {"max_concurrent": 2}}
        dg.validate_run_config(job, requests[0].run_config)
    assert partitions_to_refresh(DAILY, daily_tick := datetime(2026, 1, 1, 0, 0)) == ["2026-01-01", "2025-12-31"]
    assert daily_tick.tzinfo is None


def test_retention_drops_only_whole_months_older_than_twelve():
    names = ["p202501", "p202502", "p202503", "p202511", "p202603", "pmax"]
    assert expired_partitions(names, date(2026, 3, 10)) == ["p202501", "p202502"]
    assert expired_partitions(["p202603", "pmax"], date(2026, 3, 10)) == []


def test_a_failed_load_is_logged_and_fails_the_run(harness):
    harness.execute_source(
        "operational", "ALTER TABLE scada_machine_data RENAME COLUMN parts_produced_shift TO parts_x"
    )
    try:
        result = harness.materialize("machine_performance_daily", DAY, raise_on_error=False)
        assert not result.success
    finally:
        harness.execute_source(
            "operational", "ALTER TABLE scada_machine_data RENAME COLUMN parts_x TO parts_produced_shift"
        )
    (last,) = [r for r in harness.rows("etl_sync_log", order_by="sync_id")][-1:]
    assert last["status"] == "failed" and "parts_produced_shift" in last["error_message"]
    assert last["table_name"] == "machine_performance_daily" and last["partition_key"] == DAY


def test_malformed_rows_are_skipped_up_to_the_error_threshold_then_the_load_fails():
    import pandas as pd

    from genims_assets.defs.reporting import materialize as m
    from genims_assets.defs.reporting.assets import reporting_tables_ddl

    spec = next(t for t in REPORTING_TABLES if t.name == "machine_performance_daily")
    table = reporting_tables_ddl()[spec.name]
    frame = pd.DataFrame(
        {
            "machine_id": [f"M{i}" for i in range(19)] + [None],
            "report_date": [date(2026, 3, 10)] * 20,
            "units_produced": range(20),
        }
    )
    kept, skipped = m.conform(spec, table, frame, datetime(2026, 3, 10), error_threshold_pct=10.0)
    assert (len(kept), skipped) == (19, 1) and kept["machine_id"].notna().all()
    with pytest.raises(m.ReportingDataError) as raised:
        m.conform(spec, table, frame, datetime(2026, 3, 10), error_threshold_pct=1.0)
    assert "1 of 20 rows (5.00%)" in str(raised.value) and "ETL_ERROR_THRESHOLD=1%" in str(raised.value)
