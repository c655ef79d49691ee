"""The hourly refresh (ETL_REPORTING_INTERVAL, at HH:00 UTC by default).

Plain schedules, not declarative automation: with external sources that are
never "updated", `AutomationCondition.on_cron` would wait for ever. Each tick
requests two runs: the daily tables over yesterday and today (late data), and
the monthly tables over this month (and, on the first day of a month, last month
too) with the snapshot tables. Each executes its steps two at a time in threads
of its run worker (genims_assets/threaded_executor.py). Run keys include the tick
time, so a tick evaluated twice does not request twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dagster as dg

from genims_assets.defs.reporting.assets import reporting_key
from genims_assets.defs.reporting.spec import DAILY, MONTHLY, ReportingTable
from genims_assets.threaded_executor import threaded_or_default_executor

JOB_NAMES = {
    DAILY: "reporting_daily_refresh",
    MONTHLY: "reporting_monthly_refresh",
    "unpartitioned": "reporting_snapshot_refresh",
}


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
            name,
            selection=dg.AssetSelection.assets(*keys),
            description=f"Refresh the {what} reporting tables.",
            executor_def=threaded_or_default_executor,
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


# The hourly runs execute their steps in threads of the run worker, two at a time: a step of the current partitions
# takes 0.05-2 s, mostly waiting on the databases, less than starting a step process (~2.8 CPU seconds: Python,
# Dagster, the code location), and two steps waiting at once let one run hold all the daily tables (at 12 months of
# scale 10, the tick took 10.2 s with the daily tables in two in-process runs, 8.2-8.7 s in one run of two threads).
# Backfills keep the jobs' default executor (a process per step, 2 at a time), whose steps last far longer.
HOURLY_RUN_CONFIG = {"execution": {"config": {"threads": {"max_concurrent": 2}}}}
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def hourly_request(kind: str, tick: datetime) -> dg.RunRequest:
    """The run one tick requests for a kind of table: its partitions to refresh as ONE run over their range (as a
    single-run backfill: each step reads and replaces the days in one go, and two runs never queue behind each
    other on the tables' pools); the monthly run also refreshes the snapshot tables (its job's other assets)."""
    stamp = tick.strftime("%Y-%m-%dT%H:%M")
    keys = partitions_to_refresh(kind, tick)
    tags = {"genims/trigger": "hourly_refresh"}
    first, last = min(keys), max(keys)
    if first != last:
        tags |= {RANGE_START: first, RANGE_END: last}
    span = first if first == last else f"{first}..{last}"
    return dg.RunRequest(run_key=f"{stamp}:{span}", partition_key=first if first == last else None,
                         run_config=HOURLY_RUN_CONFIG, tags=tags)


def refresh_schedules(jobs: dict, cron: str) -> list[dg.ScheduleDefinition]:
    schedules = []
    for kind in HOURLY_KINDS:
        job = jobs[kind]

        def evaluate(context: dg.ScheduleEvaluationContext, kind=kind):
            yield hourly_request(kind, context.scheduled_execution_time or datetime.now(UTC))

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
