"""Backups and audit retention in Dagster: two op jobs and their daily schedules.

Why it is built this way:
- Ops, not assets. A backup and a partition purge are actions on stores
  outside the asset graph (blob storage; the partitions of the audit tables),
  not data products that other assets read. The 30 audit tables are already
  assets, materialised by the shipper; if retention materialised them too,
  a purge would look like a fresh load of those tables. Each op records what it
  did in the audit database itself (backup_recovery, retention_policy_log,
  archive_manifest), which is where auditors look.
- The ops close over the validated `Settings` (the same object the rest of the
  code location uses); secrets stay in it and never reach run config, tags or
  metadata. A run fails (dagster.Failure) when any backup, archive or purge
  failed, with the clean error text in the failure's description.
- `audit_backup_daily` runs at BACKUP_DAILY_TIME (UTC), and is RUNNING by
  default only when BACKUP_ENABLED; `audit_retention_daily` runs at 04:00 UTC,
  after the backup window, and is RUNNING by default. Two retention runs never
  interleave: the second stops at a MySQL named lock.
- No `from __future__ import annotations`: Dagster inspects the `context`
  annotation of an op at definition time and refuses it as a string.
"""

import dagster as dg
from dagster import OpExecutionContext

from genims_assets.settings import Settings

BACKUP_JOB = "audit_backup"
RETENTION_JOB = "audit_retention"
RETENTION_CRON = "0 4 * * *"


def backup_cron(settings: Settings) -> str:
    hour, minute = settings.backup_daily_time
    return f"{minute} {hour} * * *"


class RetentionConfig(dg.Config):
    """Run options of the retention op (the schedule uses the defaults)."""

    dry_run: bool = False
    tables: list[str] = []


def _backup_job(settings: Settings) -> dg.JobDefinition:
    @dg.op(
        name="back_up_databases",
        description="Dump genims_reporting_db and genims_audit_db, upload to Azure Blob, read back, prune.",
        tags={"kind": "azure"},
    )
    def back_up(context: OpExecutionContext) -> None:
        from genims_assets.audit.backup import run_backup

        report = run_backup(settings, run_id=context.run.run_id, performed_by=f"dagster run {context.run.run_id}")
        for result in report.results:
            if result.status == "success":
                context.log.info(
                    f"{result.database}: {result.size_bytes} bytes, sha256 {result.checksum_sha256}, {result.location}"
                )
            else:
                context.log.error(f"{result.database}: {result.error}")
        for pruned in report.pruned:
            context.log.info(f"pruned {pruned.blob_name}: {pruned.status}")
        if report.shipping_error:
            context.log.warning(f"backup_recovery rows wait in the outbox: {report.shipping_error}")
        if not report.ok:
            failed = [r for r in report.results if r.status != "success"] + [
                p for p in report.pruned if p.status != "success"
            ]
            raise dg.Failure(
                description="; ".join(f"{getattr(f, 'database', '')}: {f.error}" for f in failed),
                metadata={"failed": len(failed)},
            )

    @dg.job(name=BACKUP_JOB, description="Daily backup of the reporting and audit databases to Azure Blob Storage.")
    def audit_backup() -> None:
        back_up()

    return audit_backup


def _retention_job(settings: Settings) -> dg.JobDefinition:
    @dg.op(
        name="archive_expired_audit_partitions",
        description="Archive, verify and drop audit partitions older than BACKUP_AUDIT_RETENTION_DAYS "
        "(unless a legal hold covers them); pre-create the next 12 months.",
        tags={"kind": "mysql"},
    )
    def retain(context: OpExecutionContext, config: RetentionConfig) -> None:
        from genims_assets.audit.retention import run_retention

        report = run_retention(settings, dry_run=config.dry_run, tables=config.tables, run_id=context.run.run_id)
        for action in report.actions:
            line = f"{action.table} {action.partition}: {action.action} {action.status}, {action.rows} rows"
            if action.blocking_holds:
                line += f", held by {', '.join(action.blocking_holds)}"
            (context.log.error if action.status == "failed" else context.log.info)(
                line + (f": {action.error}" if action.error else "")
            )
        added = sum(len(v) for v in report.partitions_added.values())
        context.log.info(
            f"cutoff {report.cutoff:%Y-%m-%d} UTC, {len(report.actions)} actions, {added} partitions added"
        )
        if report.shipping_error:
            context.log.warning(f"retention rows wait in the outbox: {report.shipping_error}")
        if not report.ok:
            failed = [a for a in report.actions if a.status == "failed"]
            raise dg.Failure(
                description="; ".join(f"{a.table} {a.partition}: {a.error}" for a in failed),
                metadata={"failed": len(failed)},
            )

    @dg.job(name=RETENTION_JOB, description="Daily audit retention: archive and drop partitions older than 7 years.")
    def audit_retention() -> None:
        retain()

    return audit_retention


def defs(settings: Settings) -> dg.Definitions:
    """The backup and retention jobs with their schedules."""
    backup, retention = _backup_job(settings), _retention_job(settings)
    hour, minute = settings.backup_daily_time
    return dg.Definitions(
        jobs=[backup, retention],
        schedules=[
            dg.ScheduleDefinition(
                name="audit_backup_daily",
                job=backup,
                cron_schedule=backup_cron(settings),
                execution_timezone="UTC",
                default_status=dg.DefaultScheduleStatus.RUNNING
                if settings.backup_enabled
                else dg.DefaultScheduleStatus.STOPPED,
                description=f"Daily at {hour:02d}:{minute:02d} UTC (BACKUP_DAILY_TIME); on when BACKUP_ENABLED.",
            ),
            dg.ScheduleDefinition(
                name="audit_retention_daily",
                job=retention,
                cron_schedule=RETENTION_CRON,
                execution_timezone="UTC",
                default_status=dg.DefaultScheduleStatus.RUNNING,
                description="Daily at 04:00 UTC, after the backup window.",
            ),
        ],
    )
