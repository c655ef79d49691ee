"""The audit layer in Dagster: 30 audit assets, the shipping job and its minute sensor, queue pruning,
plus the compliance (controls, report, GDPR) and operations (backup, retention) jobs of this folder.

Why it is built this way:
- `audit_ship` is one partitioned asset job over the change-fed and the
  platform-fed audit assets: a run ships one UTC day of every feed. The
  `audit_queue_sensor` requests it (sensors.py); `genims audit ship` does the
  same work outside Dagster.
- `audit_queue_prune` deletes change-queue rows shipped more than 7 days ago,
  each after its presence in MySQL is confirmed; it runs daily at 04:30 UTC,
  after audit retention (04:00). A shipped event that cannot be found in MySQL
  is kept and fails the run, naming it.
- No `from __future__ import annotations`: Dagster reads the op's `context`
  annotation at definition time.
"""

from typing import TYPE_CHECKING

import dagster as dg

from genims_assets.defs.audit.assets import (
    CHANGE_FED,
    audit_key,
    audit_partitions,
    build_change_feed,
    build_platform_records,
    build_sequence_manager,
    first_day,
    platform_fed,
)
from genims_assets.defs.audit.sensors import build_audit_queue_sensor
from genims_assets.settings import Settings

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

SHIP_JOB = "audit_ship"
PRUNE_JOB = "audit_queue_prune"
PRUNE_CRON = "30 4 * * *"


def ship_job() -> "UnresolvedAssetJobDefinition":
    """The audit assets' daily partitions come from the assets (Dagster infers a job's partitioning)."""
    return dg.define_asset_job(
        SHIP_JOB,
        selection=dg.AssetSelection.assets(*(audit_key(t) for t in (*CHANGE_FED, *platform_fed()))),
        description="Ship one UTC day of the source change queues and the platform outbox into genims_audit_db.",
        tags={"genims/layer": "audit"},
    )


def prune_job(settings: Settings) -> dg.JobDefinition:
    @dg.op(name="prune_shipped_queue_rows")
    def prune(context: dg.OpExecutionContext) -> None:
        """Delete change-queue rows shipped over 7 days ago whose presence in MySQL is confirmed."""
        from genims_assets.audit.ship import prune_shipped

        results = prune_shipped(settings)
        problems = []
        for result in results.values():
            context.log.info(f"{result.database}: {result.deleted} shipped queue rows pruned")
            if result.error:
                problems.append(f"{result.database}: {result.error}")
            if result.unconfirmed:
                problems.append(
                    f"{result.database}: {len(result.unconfirmed)} events marked shipped are not in genims_audit_db "
                    f"and were kept (first ids {result.unconfirmed[:10]}); run `genims audit verify`"
                )
        if problems:
            raise dg.Failure(description="; ".join(problems))

    @dg.job(name=PRUNE_JOB, description="Prune change-queue rows shipped more than 7 days ago (confirmed in MySQL).")
    def audit_queue_prune():
        prune()

    return audit_queue_prune


def defs(settings: Settings) -> dg.Definitions:
    from genims_assets.defs.audit import compliance, operations

    partitions = audit_partitions(settings)
    job = ship_job()
    pruning = prune_job(settings)
    return dg.Definitions.merge(
        dg.Definitions(
            assets=[
                build_change_feed(settings, partitions),
                build_platform_records(settings, partitions),
                build_sequence_manager(settings),
            ],
            jobs=[job, pruning],
            sensors=[build_audit_queue_sensor(settings, job, first_day(settings))],
            schedules=[
                dg.ScheduleDefinition(
                    name="audit_queue_prune_daily",
                    job=pruning,
                    cron_schedule=PRUNE_CRON,
                    execution_timezone="UTC",
                    default_status=dg.DefaultScheduleStatus.RUNNING,
                    description="Daily at 04:30 UTC, after audit retention.",
                )
            ],
        ),
        compliance.defs(settings),
        operations.defs(settings),
    )
