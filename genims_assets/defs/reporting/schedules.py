"""The hourly refresh (ETL_REPORTING_INTERVAL, at HH:00 UTC by default).

Plain schedules, not declarative automation: with external sources that are
never "updated", `AutomationCondition.on_cron` would wait for ever. Each tick
requests runs of the daily tables over yesterday and today (late data): the dense
stock tables in one, the others in another; and one run of every monthly table over
this month (and, on the first day of a month, last month too) with the snapshot
tables: three runs. Run keys include the tick time, so a tick evaluated twice does
not request twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dagster as dg

from genims_assets.defs.reporting.assets import reporting_key
from genims_assets.defs.reporting.spec import DAILY, MONTHLY, ReportingTable

JOB_NAMES = {
    DAILY: "reporting_daily_refresh",
    MONTHLY: "reporting_monthly_refresh",
    "unpartitioned": "reporting_snapshot_refresh",
}


# The dense stock tables (a row per material and plant or warehouse every day: nine in ten of the rows a daily
# refresh writes, half its time) refresh in a run of their own beside the other daily tables: an in-process run is
# one process, and two use both cores (one run of all 28: 22.9 s at 12 months of scale 10, half the cores idle).
STOCK_TABLES = frozenset(
    {"material_flow_daily", "raw_material_warehouse", "finished_goods_warehouse", "inventory_reconciliation_summary"}
)


def daily_lanes(tables: tuple[ReportingTable, ...]) -> list[list[ReportingTable]]:
    """The daily tables as the hourly runs share them out: the stock tables, then the others. A table derived from
    other reporting tables runs after them, so it must share their lane."""
    daily = [t for t in tables if t.partitioned and t.cadence == DAILY]
    lanes = [[t for t in daily if t.name in STOCK_TABLES], [t for t in daily if t.name not in STOCK_TABLES]]
    lanes = [lane for lane in lanes if lane]
    for lane in lanes:
        names = {t.name for t in lane}
        for t in lane:
            apart = [d for d in t.reporting_deps if d not in names and any(d == x.name for x in daily)]
            if apart:
                raise ValueError(f"{t.name} is derived from {apart}, which refresh in another hourly run: put them in "
                                 "the same lane (STOCK_TABLES in genims_assets/defs/reporting/schedules.py)")
    return lanes


def _kind(spec: ReportingTable) -> str:
    return spec.cadence if spec.partitioned else "unpartitioned"


# The kinds whose tables a job refreshes: the monthly job also refreshes the snapshot tables (current state, not
# partitioned, so they can share a monthly run), which saves the hourly tick a run worker: its start (Python,
# Dagster, the code location, the instance, the run) cost 3-4 CPU seconds of the tick's run workers at 12 months
# of scale 10, and the tick keeps both cores busy.
JOB_KINDS = {DAILY: (DAILY,), MONTHLY: (MONTHLY, "unpartitioned"), "unpartitioned": ("unpartitioned",)}
HOURLY_KINDS = (DAILY, MONTHLY)  # the jobs the hourly schedules run; the snapshot job is for runs on demand


def refresh_jobs(tables: tuple[ReportingTable, ...]) -> dict[str, dg.UnresolvedAssetJobDefinition]:
    jobs = {}
    for kind, name in JOB_NAMES.items():
        keys = [reporting_key(t.name) for t in tables if _kind(t) in JOB_KINDS[kind]]
        what = {DAILY: "daily", MONTHLY: "monthly and snapshot", "unpartitioned": "snapshot"}[kind]
        jobs[kind] = dg.define_asset_job(
            name, selection=dg.AssetSelection.assets(*keys), description=f"Refresh the {what} reporting tables."
        )
    return jobs


def partitions_to_refresh(kind: str, tick: datetime) -> list[str]:
    """Partition keys one tick refreshes for the daily or the monthly tables."""
    tick = tick.astimezone(UTC) if tick.tzinfo else tick.replace(tzinfo=UTC)
    today = tick.date()
    yesterday = today - timedelta(days=1)
    if kind == DAILY:
        return [today.isoformat(), yesterday.isoformat()]
    if kind == MONTHLY:
        months = [today.replace(day=1)]
        if yesterday.month != today.month:
            months.append(yesterday.replace(day=1))
        return [m.isoformat() for m in months]
    raise ValueError(f"no hourly partitions for {kind!r} tables: the hourly kinds are {HOURLY_KINDS}")


# The hourly runs execute their steps in the run worker's process, one after the other: a step of the current
# partitions takes 0.05-2 s, less than starting a step process (~2 s: Python, Dagster, the code location). The
# runs of one tick (daily, monthly, snapshots) go in parallel instead (dagster.yaml: 4 concurrent runs).
# Backfills keep the jobs' default executor (a process per step, 2 at a time), whose steps last far longer.
HOURLY_RUN_CONFIG = {"execution": {"config": {"in_process": {}}}}
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def hourly_requests(kind: str, tick: datetime, lanes: list[list[ReportingTable]]) -> list[dg.RunRequest]:
    """The runs one tick requests for a kind of table: its partitions to refresh as ONE run over their range (as a
    single-run backfill: each step reads and replaces the days in one go, and two runs never queue behind each
    other on the tables' pools), per lane for the daily tables (`daily_lanes`); the monthly run also refreshes the
    snapshot tables (its job's other assets)."""
    stamp = tick.strftime("%Y-%m-%dT%H:%M")
    keys = partitions_to_refresh(kind, tick)
    tags = {"genims/trigger": "hourly_refresh"}
    first, last = min(keys), max(keys)
    if first != last:
        tags |= {RANGE_START: first, RANGE_END: last}
    span = first if first == last else f"{first}..{last}"
    partition = first if first == last else None
    if kind != DAILY:
        return [dg.RunRequest(run_key=f"{stamp}:{span}", partition_key=partition, run_config=HOURLY_RUN_CONFIG,
                              tags=tags)]
    return [
        dg.RunRequest(
            run_key=f"{stamp}:{span}:{'stock' if lane[0].name in STOCK_TABLES else 'other'}",
            partition_key=partition,
            asset_selection=[reporting_key(t.name) for t in lane],
            run_config=HOURLY_RUN_CONFIG,
            tags=tags,
        )
        for lane in lanes
    ]


def refresh_schedules(jobs: dict, cron: str, tables: tuple[ReportingTable, ...]) -> list[dg.ScheduleDefinition]:
    schedules = []
    lanes = daily_lanes(tables)  # refuses to load a code location whose lanes would split a table from its sources
    for kind in HOURLY_KINDS:
        job = jobs[kind]

        def evaluate(context: dg.ScheduleEvaluationContext, kind=kind):
            yield from hourly_requests(kind, context.scheduled_execution_time or datetime.now(UTC), lanes)

        schedules.append(
            dg.ScheduleDefinition(
                name=f"{job.name}_hourly",
                job=job,
                cron_schedule=cron,
                execution_timezone="UTC",
                execution_fn=evaluate,
                default_status=dg.DefaultScheduleStatus.RUNNING,
                description="Hourly refresh of the current partitions (and the previous day's late data).",
            )
        )
    return schedules
