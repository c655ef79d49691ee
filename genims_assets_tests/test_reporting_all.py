"""Every reporting table materialises on the generated platform, with all its checks passing.

Runs against the session's built test platform (gtest_* databases, test scale):
yesterday's partition for daily tables, this month for monthly ones, and one
run of each snapshot table.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest

from genims_assets.connections import mysql_connect
from genims_assets.definitions import build_definitions
from genims_assets.defs.reporting.assets import build_reporting_asset, reporting_key
from genims_assets.defs.reporting.dashboards import dashboard_files, default_params
from genims_assets.defs.reporting.schedules import JOB_NAMES, hourly_request
from genims_assets.defs.reporting.spec import DAILY, MONTHLY
from genims_assets.defs.reporting.tables import REPORTING_TABLES
from genims_assets.resources import build_resources
from genims_assets_tests.test_schema_files import REPORTING_TABLES as ALL_REPORTING


def test_there_is_one_asset_per_reporting_table_in_the_four_groups():
    assert {t.name for t in REPORTING_TABLES} == ALL_REPORTING
    assert {t.group for t in REPORTING_TABLES} == {"operations", "sales", "finance", "inventory"}


@pytest.fixture(scope="module")
def instance():
    return dg.DagsterInstance.ephemeral()


@pytest.mark.parametrize("spec", REPORTING_TABLES, ids=lambda t: t.name)
def test_the_table_materialises_with_all_checks_passing(built_platform, settings, instance, spec):
    """The last 7 days (daily) or 2 months (monthly) as one single-run backfill, or one snapshot run.

    A range, not one day: a table may be empty on a given day (no MRP run on Sundays, no freight
    invoice at test scale), never over a week.
    """
    today = datetime.now(UTC).date()
    ranges = {
        DAILY: ((today - timedelta(days=7)).isoformat(), (today - timedelta(days=1)).isoformat()),
        MONTHLY: (
            (today.replace(day=1) - timedelta(days=1)).replace(day=1).isoformat(),
            today.replace(day=1).isoformat(),
        ),
    }
    tags = {}
    if spec.cadence in ranges:
        first, last = ranges[spec.cadence]
        tags = {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}
    asset = build_reporting_asset(spec, settings, settings.reporting_start_date)
    result = dg.materialize([asset], resources=build_resources(settings), instance=instance, tags=tags)
    assert result.success
    materializations = result.asset_materializations_for_node(asset.node_def.name)
    assert len(materializations) == (7 if spec.cadence == DAILY else 2 if spec.cadence == MONTHLY else 1)
    assert materializations[0].metadata["dagster/row_count"].value > 0, "no rows: the generated data should fill it"
    failed = {e.check_name: e.metadata for e in result.get_asset_check_evaluations() if not e.passed}
    assert failed == {}


def test_the_hourly_monthly_run_refreshes_the_monthly_and_the_snapshot_tables(built_platform, settings):
    """The monthly schedule's request, executed as the job it targets: this month's partition of the five monthly
    tables and the two snapshot tables in one run (the snapshot job has no schedule of its own)."""
    definitions = build_definitions(settings)
    tick = datetime.now(UTC).replace(day=15, hour=10, minute=0, second=0, microsecond=0)  # not the 1st: one month
    request = hourly_request(MONTHLY, tick)
    job = definitions.resolve_job_def(JOB_NAMES[MONTHLY])
    result = job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), partition_key=request.partition_key, tags=request.tags
    )
    assert result.success
    done = {m.asset_key: m.partition for m in (e.materialization for e in result.get_asset_materialization_events())}
    monthly = {reporting_key(t.name) for t in REPORTING_TABLES if t.partitioned and t.cadence == MONTHLY}
    snapshots = {reporting_key(t.name) for t in REPORTING_TABLES if not t.partitioned}
    assert len(monthly) == 5 and len(snapshots) == 2
    assert done == {**dict.fromkeys(monthly, tick.date().replace(day=1).isoformat()), **dict.fromkeys(snapshots)}


def _explain_rows(cur, text: str, params: dict) -> list[dict]:
    cur.execute("EXPLAIN " + text, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


@pytest.mark.parametrize("path", dashboard_files(), ids=lambda p: p.stem)
def test_the_dashboard_query_runs_on_the_loaded_tables_through_an_index(built_platform, settings, path):
    """Each query of sql/dashboards runs with the values a dashboard passes and returns rows from the tables the
    materialisations above loaded; every reporting table it reads offers the optimiser an index for its filter or
    grouping (at test scale the optimiser may still prefer a scan of a tiny table, so the candidates are checked)."""
    assert len(dashboard_files()) >= 12
    text = path.read_text()
    conn = mysql_connect(settings.reporting, autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT factory_id FROM machine_performance_daily GROUP BY factory_id ORDER BY COUNT(*) DESC LIMIT 1"
            )
            factory = cur.fetchone()
            # Opened today or on one of the 6 days before, over the 7 days loaded above: at test scale a day may
            # have nothing to show (no MRP shortage found yesterday), never a week.
            today = datetime.now(UTC).date()
            for back in range(7):
                params = default_params(text, today - timedelta(days=back), factory[0] if factory else "UNASSIGNED")
                cur.execute(text, params)
                rows = cur.fetchall()
                if rows:
                    break
            assert rows, f"{path.name} returned nothing on the loaded test platform, opened on any of 7 days"
            plan = _explain_rows(cur, text, params)
    finally:
        conn.close()
    assert set(re.findall(r"(?:FROM|JOIN)\s+(\w+)", text)) & ALL_REPORTING, f"{path.name} reads no reporting table"
    read = [step for step in plan if step["table"] and not step["table"].startswith("<")]  # not derived tables
    assert read, plan
    assert all(step["possible_keys"] for step in read), f"{path.name}: a table read without a usable index: {plan}"


def test_the_hourly_daily_run_refreshes_every_daily_table_two_steps_at_a_time(built_platform):
    """The daily schedule's request as the daemon runs it: the job reconstructed from the code location, its run
    config (the threads executor), yesterday and today as one range."""
    from dagster._core.definitions.reconstruct import ReconstructableRepository

    from genims_assets_tests.conftest import REPO

    tick = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    request = hourly_request(DAILY, tick)
    recon = ReconstructableRepository.for_module(
        "genims_assets.definitions", "defs", working_directory=str(REPO)
    ).get_reconstructable_job(JOB_NAMES[DAILY])
    instance = dg.DagsterInstance.ephemeral()
    with dg.execute_job(recon, instance=instance, run_config=request.run_config, tags=request.tags,
                        raise_on_error=False) as result:
        assert result.success
        daily = {reporting_key(t.name) for t in REPORTING_TABLES if t.partitioned and t.cadence == DAILY}
        done = {(e.materialization.asset_key, e.materialization.partition)
                for e in result.get_asset_materialization_events()}
        days = sorted(request.tags[k] for k in ("dagster/asset_partition_range_start",
                                                "dagster/asset_partition_range_end"))
        assert done == {(key, day) for key in daily for day in days}
        assert [e.check_name for e in result.get_asset_check_evaluations() if not e.passed] == []
        spans, open_steps = [], {}
        kinds = {dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS}
        for entry in instance.all_logs(result.run_id, of_type=kinds):
            if entry.dagster_event.event_type == dg.DagsterEventType.STEP_START:
                open_steps[entry.step_key] = len(spans)
                spans.append([entry.timestamp, None])
            else:
                spans[open_steps[entry.step_key]][1] = entry.timestamp
        assert len(spans) >= len(daily) and all(end is not None for _, end in spans)  # + the freshness checks
        overlapping = max(sum(1 for s, e in spans if s <= start < e) for start, _ in spans)
        assert overlapping == 2, "two steps at a time, never more"
