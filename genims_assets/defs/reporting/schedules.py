"""The hourly refresh (ETL_REPORTING_INTERVAL, at HH:00 UTC by default).

Plain schedules, not declarative automation: with external sources that are
never "updated", `AutomationCondition.on_cron` would wait for ever. Each tick
requests: today's and yesterday's partition of every daily table (late data),
this month's (and, on the first day of a month, last month's) partition of every
monthly table, and one run of the snapshot tables. Run keys include the tick
time, so a tick evaluated twice does not request twice.
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


def refresh_schedules(jobs: dict, cron: str) -> list[dg.ScheduleDefinition]:
    schedules = []
    for kind, job in jobs.items():

        def evaluate(context: dg.ScheduleEvaluationContext, kind=kind):
            tick = context.scheduled_execution_time or datetime.now(UTC)
            stamp = tick.strftime("%Y-%m-%dT%H:%M")
            for key in partitions_to_refresh(kind, tick):
                yield dg.RunRequest(
                    run_key=f"{stamp}:{key or 'all'}", partition_key=key, tags={"genims/trigger": "hourly_refresh"}
                )

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
