"""The hourly refresh (ETL_REPORTING_INTERVAL, at HH:00 UTC by default).

Plain schedules, not declarative automation: with external sources that are
never "updated", `AutomationCondition.on_cron` would wait for ever. Each tick
requests one run of every daily table over yesterday and today (late data), one of
every monthly table over this month (and, on the first day of a month, last
month too), and one run of the snapshot tables. Run keys include the tick time,
so a tick evaluated twice does not request twice.
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


def _kind(spec: ReportingTable) -> str:
    return spec.cadence if spec.partitioned else "unpartitioned"


def refresh_jobs(tables: tuple[ReportingTable, ...]) -> dict[str, dg.UnresolvedAssetJobDefinition]:
    jobs = {}
    for kind, name in JOB_NAMES.items():
        keys = [reporting_key(t.name) for t in tables if _kind(t) == kind]
        if keys:
            jobs[kind] = dg.define_asset_job(
                name, selection=dg.AssetSelection.assets(*keys), description=f"Refresh the {kind} reporting tables."
            )
    return jobs


def partitions_to_refresh(kind: str, tick: datetime) -> list[str | None]:
    """Partition keys one tick refreshes for a kind of table (None = an unpartitioned run)."""
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
    return [None]


# The hourly runs execute their steps in the run worker's process, one after the other: a step of the current
# partitions takes 0.05-2 s, less than starting a step process (~2 s: Python, Dagster, the code location). The
# runs of one tick (daily, monthly, snapshots) go in parallel instead (dagster.yaml: 4 concurrent runs).
# Backfills keep the jobs' default executor (a process per step, 2 at a time), whose steps last far longer.
HOURLY_RUN_CONFIG = {"execution": {"config": {"in_process": {}}}}
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def hourly_requests(kind: str, tick: datetime) -> list[dg.RunRequest]:
    """The run one tick requests for a kind of table: its partitions to refresh as ONE run over their range (as a
    single-run backfill: each step reads and replaces the days in one go, and two runs never queue behind each
    other on the tables' pools), or the one run of the snapshots."""
    stamp = tick.strftime("%Y-%m-%dT%H:%M")
    keys = partitions_to_refresh(kind, tick)
    tags = {"genims/trigger": "hourly_refresh"}
    if keys == [None]:
        return [dg.RunRequest(run_key=f"{stamp}:all", run_config=HOURLY_RUN_CONFIG, tags=tags)]
    first, last = min(keys), max(keys)
    if first == last:
        return [dg.RunRequest(run_key=f"{stamp}:{first}", partition_key=first, run_config=HOURLY_RUN_CONFIG,
                              tags=tags)]
    return [
        dg.RunRequest(
            run_key=f"{stamp}:{first}..{last}",
            run_config=HOURLY_RUN_CONFIG,
            tags={**tags, RANGE_START: first, RANGE_END: last},
        )
    ]


def refresh_schedules(jobs: dict, cron: str) -> list[dg.ScheduleDefinition]:
    schedules = []
    for kind, job in jobs.items():

        def evaluate(context: dg.ScheduleEvaluationContext, kind=kind):
            yield from hourly_requests(kind, context.scheduled_execution_time or datetime.now(UTC))

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
