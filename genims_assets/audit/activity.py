"""What people and the platform do, as audit records: reads, exports, logins, job runs.

Why it is built this way:
- Every record goes through the platform outbox (`outbox.record`), never straight
  into MySQL: the producer's PostgreSQL transaction keeps it while MySQL is down,
  and the shipper gives it its gapless sequence and hash-chain link. Helpers take
  an optional `cursor` so that an export and its log rows commit together.
- One export or read is one `user_activity_log` row (what the person did) and one
  `data_access_log` row per table read (what was read, how many rows): the HIPAA
  control "every read of health data is logged" pairs them.
- `job_execution_audit` rows are built from Dagster's own run-status event
  records, and `event_timestamp` is the stored event's timestamp, not the time the
  sensor saw it: recording the same event twice gives the same natural key
  (run_id, run_status, event_timestamp), so the store drops the replay.
- A person's run is logged once in user_activity_log even when the sensor replays
  events (that table is keyed by outbox id): the run id is claimed in
  `genims_audit.run_activity_claims`, in the same transaction as the outbox row.
- Who acted: a CLI command acts for `GENIMS_USER`, else the operating-system login;
  a Dagster run for its `user` tag (set by Dagster+ and by our CLI), else
  `unidentified` (the open-source webserver has no sign-in), and a run that a
  schedule, sensor or declarative automation launched is not a person's action.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any

import click

from genims_assets.audit.outbox import ensure_outbox, record
from genims_assets.connections import ConnectionFailed, postgres_connect
from genims_assets.settings import Settings

ACCESS_TYPES = ("read", "query", "export")
ACTIVITY_TYPES = ("read", "export", "materialize", "backfill", "login", "logout", "view")
OBJECT_TYPES = ("table", "asset", "job", "dashboard", "report")
OUTCOMES = ("success", "denied", "failed")
USER_TYPES = ("platform", "service_portal", "supplier_portal")
CLI_APPLICATION = "genims cli"
DAGSTER_APPLICATION = "dagster"
UNIDENTIFIED_USER = "unidentified"
PERSON_TAGS = ("user", "genims/user")  # Dagster+'s creator tag, and the one our CLI sets
MAX_ERROR_CHARS = 2000


_CLAIMS_DDL = (
    "CREATE SCHEMA IF NOT EXISTS genims_audit; CREATE TABLE IF NOT EXISTS genims_audit.run_activity_claims "
    "(run_id text PRIMARY KEY, claimed_at timestamptz NOT NULL DEFAULT clock_timestamp())"
)


class ActivityError(ValueError):
    """An activity record with a value outside its allowed set; the message names the allowed ones."""


def cli_errors(func: Callable) -> Callable:
    """For a click command: a down server or a refused value becomes a one-paragraph error, not a traceback."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (ConnectionFailed, ActivityError) as error:
            raise click.ClickException(str(error)) from None

    return wrapper


def utc_now() -> datetime:
    return datetime.now(UTC)


def actor(explicit: str | None = None) -> str:
    """The person a command acts for: --user, else GENIMS_USER, else the operating-system login."""
    for candidate in (explicit, os.environ.get("GENIMS_USER")):
        if candidate and candidate.strip():
            return candidate.strip()[:128]
    try:
        return getpass.getuser()[:128]
    except (OSError, KeyError):
        return UNIDENTIFIED_USER


def _choice(field: str, value: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise ActivityError(f"{field}={value!r} is not one of: {', '.join(allowed)}")
    return value


@dataclass(frozen=True)
class TableRead:
    """One table read by a person or a job: database, table, rows, and optionally which columns and filter."""

    database: str
    table: str
    row_count: int
    columns: tuple[str, ...] | None = None
    filter_criteria: str | None = None


def data_access_row(
    *,
    user_id: str,
    access_type: str,
    read: TableRead,
    when: datetime,
    purpose: str | None = None,
    export_format: str | None = None,
    export_destination: str | None = None,
    run_id: str | None = None,
    session_id: str | None = None,
    client_address: str | None = None,
    application_name: str = CLI_APPLICATION,
    outcome: str = "success",
) -> dict[str, Any]:
    return {
        "access_timestamp": when,
        "user_id": user_id,
        "access_type": _choice("access_type", access_type, ACCESS_TYPES),
        "database_name": read.database,
        "table_name": read.table,
        "columns_accessed": list(read.columns) if read.columns else None,
        "filter_criteria": read.filter_criteria,
        "row_count": read.row_count,
        "export_format": export_format,
        "export_destination": export_destination,
        "purpose": purpose,
        "run_id": run_id,
        "session_id": session_id,
        "client_address": client_address,
        "application_name": application_name,
        "outcome": _choice("outcome", outcome, OUTCOMES),
    }


def user_activity_row(
    *,
    user_id: str,
    activity_type: str,
    when: datetime,
    object_type: str | None = None,
    object_name: str | None = None,
    sensitive_data: bool = False,
    row_count: int | None = None,
    run_id: str | None = None,
    details: Mapping[str, Any] | None = None,
    user_type: str = "platform",
    session_id: str | None = None,
    client_address: str | None = None,
    application_name: str = CLI_APPLICATION,
    outcome: str = "success",
) -> dict[str, Any]:
    return {
        "activity_timestamp": when,
        "user_id": user_id,
        "user_type": _choice("user_type", user_type, USER_TYPES),
        "activity_type": _choice("activity_type", activity_type, ACTIVITY_TYPES),
        "object_type": _choice("object_type", object_type, OBJECT_TYPES) if object_type else None,
        "object_name": object_name[:255] if object_name else None,
        "sensitive_data": 1 if sensitive_data else 0,
        "row_count": row_count,
        "run_id": run_id,
        "session_id": session_id,
        "client_address": client_address,
        "application_name": application_name,
        "outcome": _choice("outcome", outcome, OUTCOMES),
        "details": dict(details) if details else None,
    }


def _in_transaction(settings: Settings, cursor, write) -> Any:
    """Run write(cursor) in the caller's transaction, or in one of our own on the Dagster database."""
    if cursor is not None:
        return write(cursor)
    ensure_outbox(settings)  # before our transaction: its DDL must not wait behind DDL of ours (_CLAIMS_DDL)
    conn = postgres_connect(settings.postgres, settings.dagster_database)
    try:
        with conn, conn.cursor() as cur:
            return write(cur)
    finally:
        conn.close()


def record_reads(
    settings: Settings,
    *,
    user_id: str,
    reads: Sequence[TableRead],
    access_type: str,
    object_type: str,
    object_name: str,
    purpose: str,
    sensitive_data: bool,
    export_format: str | None = None,
    export_destination: str | None = None,
    run_id: str | None = None,
    details: Mapping[str, Any] | None = None,
    outcome: str = "success",
    application_name: str = CLI_APPLICATION,
    when: datetime | None = None,
    cursor=None,
) -> dict[str, list[int]]:
    """One user_activity_log row for the action and one data_access_log row per table read, atomically.

    Returns the outbox event ids by table. A table read with no row is still logged: a
    search that found nothing is an access too.
    """
    when = when or utc_now()
    activity_type = "export" if access_type == "export" else "read"
    access_rows = [
        data_access_row(
            user_id=user_id,
            access_type=access_type,
            read=read,
            when=when,
            purpose=purpose,
            export_format=export_format,
            export_destination=export_destination,
            run_id=run_id,
            application_name=application_name,
            outcome=outcome,
        )
        for read in reads
    ]
    activity = user_activity_row(
        user_id=user_id,
        activity_type=activity_type,
        when=when,
        object_type=object_type,
        object_name=object_name,
        sensitive_data=sensitive_data,
        row_count=sum(r.row_count for r in reads),
        run_id=run_id,
        details={**(details or {}), "tables_read": len(reads), "purpose": purpose},
        application_name=application_name,
        outcome=outcome,
    )

    def write(cur) -> dict[str, list[int]]:
        return {
            "data_access_log": record(settings, "data_access_log", access_rows, producer="activity", cursor=cur),
            "user_activity_log": record(settings, "user_activity_log", [activity], producer="activity", cursor=cur),
        }

    return _in_transaction(settings, cursor, write)


def record_login(
    settings: Settings,
    *,
    user_id: str,
    outcome: str = "success",
    event: str = "login",
    session_id: str | None = None,
    client_address: str | None = None,
    application_name: str = CLI_APPLICATION,
    when: datetime | None = None,
    cursor=None,
) -> list[int]:
    """A platform sign-in or sign-out as a user_activity_log row."""
    if event not in ("login", "logout"):
        raise ActivityError(f"event={event!r} is not one of: login, logout")
    row = user_activity_row(
        user_id=user_id,
        activity_type=event,
        when=when or utc_now(),
        session_id=session_id,
        client_address=client_address,
        application_name=application_name,
        outcome=outcome,
    )
    return _in_transaction(
        settings, cursor, lambda cur: record(settings, "user_activity_log", [row], producer="activity", cursor=cur)
    )


# --- Dagster runs -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Launch:
    """Who or what launched a run: `person` is set only when a person did."""

    launched_by: str
    launch_type: str  # manual, schedule, sensor, backfill or automation
    person: str | None


def classify_launch(tags: Mapping[str, str]) -> Launch:
    """Read a run's tags: schedule, sensor, declarative automation, backfill, or a person."""
    person = next((tags[t] for t in PERSON_TAGS if tags.get(t)), None)
    if tags.get("dagster/from_automation_condition") or tags.get("dagster/auto_materialize"):
        return Launch(f"sensor:{tags.get('dagster/sensor_name', 'automation')}", "automation", None)
    if tags.get("dagster/schedule_name"):
        return Launch(f"schedule:{tags['dagster/schedule_name']}", "schedule", None)
    if tags.get("dagster/sensor_name"):
        return Launch(f"sensor:{tags['dagster/sensor_name']}", "sensor", None)
    backfill = tags.get("dagster/backfill")
    if backfill:
        # A backfill is started by a person (UI or CLI); its runs are launched by the backfill daemon.
        return Launch(person or f"backfill:{backfill}", "backfill", person or UNIDENTIFIED_USER)
    return Launch(person or UNIDENTIFIED_USER, "manual", person or UNIDENTIFIED_USER)


RUN_STATUSES = ("started", "success", "failure", "canceled")


def _dagster_event_types() -> dict[str, Any]:
    from dagster import DagsterEventType

    return {
        "started": DagsterEventType.RUN_START,
        "success": DagsterEventType.RUN_SUCCESS,
        "failure": DagsterEventType.RUN_FAILURE,
        "canceled": DagsterEventType.RUN_CANCELED,
    }


def _from_epoch(seconds: float | None) -> datetime | None:
    return datetime.fromtimestamp(seconds, UTC) if seconds is not None else None


def _asset_keys(instance, run_id: str, event_type) -> list[tuple[str, str | None]]:
    keys = []
    for entry in instance.all_logs(run_id, of_type=event_type):
        event = entry.dagster_event
        if event is not None and event.asset_key is not None:
            keys.append((event.asset_key.to_user_string(), event.partition))
    return keys


def _rows_written(instance, run_id: str) -> int | None:
    from dagster import DagsterEventType

    total, seen = 0, False
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION):
        metadata = entry.dagster_event.event_specific_data.materialization.metadata
        value = metadata.get("dagster/row_count")
        if value is not None and isinstance(getattr(value, "value", None), int):
            total += value.value
            seen = True
    return total if seen else None


def sensitive_asset(asset_key: str) -> bool:
    """An asset holds personal, financial or health data: every audit asset, and reporting tables naming people."""
    from genims_assets.audit.gdpr import personal_reporting_tables

    parts = asset_key.split("/")
    if parts[0] == "audit":
        return True
    return parts[0] == "reporting" and len(parts) > 1 and parts[-1] in personal_reporting_tables()


@dataclass(frozen=True)
class RunEvent:
    """One run-status event of the Dagster event log, as the sensor found it."""

    storage_id: int
    status: str  # started, success, failure or canceled
    run_id: str
    timestamp: datetime
    message: str | None
    job_name: str | None = None


def fetch_run_events(instance, status: str, after_storage_id: int, limit: int) -> list[RunEvent]:
    """Run-status events of one kind stored after a storage id, oldest first."""
    from dagster._core.event_api import RunStatusChangeRecordsFilter

    event_type = _dagster_event_types()[status]
    result = instance.fetch_run_status_changes(
        RunStatusChangeRecordsFilter(event_type=event_type, after_storage_id=after_storage_id),
        limit=limit,
        ascending=True,
    )
    events = []
    for rec in result.records:
        entry = rec.event_log_entry
        message = entry.dagster_event.message if entry.dagster_event else None
        events.append(
            RunEvent(rec.storage_id, status, entry.run_id, _from_epoch(rec.timestamp), message, entry.job_name)
        )
    return events


def run_event_rows(instance, event: RunEvent) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The job_execution_audit row of a run event, and a user_activity_log row when a person started the run."""
    from dagster import DagsterEventType

    run = instance.get_run_by_id(event.run_id)
    if run is None:  # deleted from the instance since: record what the event log still says, never block the sensor
        return {
            "event_timestamp": event.timestamp, "run_id": event.run_id, "job_name": event.job_name or "unknown",
            "run_status": event.status, "launched_by": None, "launch_type": None,
            "error_message": "run deleted from the Dagster instance before it was recorded",
        }, None  # fmt: skip
    tags = dict(run.tags)
    launch = classify_launch(tags)
    stats = instance.get_run_stats(event.run_id)
    started_at = _from_epoch(stats.start_time)
    ended_at = event.timestamp if event.status != "started" else None
    planned = _asset_keys(instance, event.run_id, DagsterEventType.ASSET_MATERIALIZATION_PLANNED)
    selected = sorted(k.to_user_string() for k in (run.asset_selection or ()))
    assets = sorted({*selected, *(key for key, _ in planned)})
    partitions = sorted({p for _, p in planned if p})
    partition = tags.get("dagster/partition") or (partitions[0] if len(partitions) == 1 else None)
    range_start = tags.get("dagster/asset_partition_range_start")
    range_end = tags.get("dagster/asset_partition_range_end")
    partition_range = f"{range_start}...{range_end}" if range_start and range_end else None
    if partition_range is None and len(partitions) > 1:
        partition_range = f"{partitions[0]}...{partitions[-1]}"
    location = (
        run.remote_job_origin.repository_origin.code_location_origin.location_name if run.remote_job_origin else None
    )
    duration = (ended_at - started_at).total_seconds() if ended_at and started_at else None
    if event.status != "failure":
        event = RunEvent(event.storage_id, event.status, event.run_id, event.timestamp, None, event.job_name)
    row = {
        "event_timestamp": event.timestamp,
        "run_id": event.run_id,
        "job_name": run.job_name,
        "run_status": event.status,
        "launched_by": launch.launched_by[:128],
        "launch_type": launch.launch_type,
        "assets_touched": assets or None,
        "partition_key": partition,
        "partition_range": partition_range,
        "backfill_id": tags.get("dagster/backfill"),
        "code_location": location,
        "started_at": started_at,
        "ended_at": ended_at,
        "duration_seconds": round(duration, 3) if duration is not None else None,
        "rows_written": _rows_written(instance, event.run_id) if event.status == "success" else None,
        "error_message": (event.message or "")[:MAX_ERROR_CHARS] or None,
        "tags": {k: v for k, v in tags.items() if not k.startswith(".dagster/")},
    }
    # A person's action is logged once: when the run starts, or when it is canceled before it ever started.
    first_event = event.status == "started" or (event.status == "canceled" and started_at is None)
    activity = None
    if launch.person and first_event:
        activity = user_activity_row(
            user_id=launch.person[:128],
            activity_type="backfill" if launch.launch_type == "backfill" else "materialize",
            when=event.timestamp,
            object_type="job",
            object_name=run.job_name,
            sensitive_data=any(sensitive_asset(a) for a in assets),
            run_id=event.run_id,
            details={"assets": assets, "partition_key": partition, "partition_range": partition_range},
            application_name=DAGSTER_APPLICATION,
            outcome="success" if event.status == "started" else "failed",
        )
    return row, activity


def record_run_events(settings: Settings, instance, events: Iterable[RunEvent]) -> dict[str, int]:
    """Record run events in ONE outbox transaction; returns rows kept per table.

    A replayed event gives the same job_execution_audit key (dropped by the store); a person's run already
    claimed gives no second user_activity_log row.
    """
    runs, activities = [], []
    for event in events:
        row, activity = run_event_rows(instance, event)
        runs.append(row)
        if activity:
            activities.append(activity)

    def write(cur) -> dict[str, int]:
        claimed = []
        if activities:
            cur.execute(_CLAIMS_DDL)
            for activity in activities:
                cur.execute(
                    "INSERT INTO genims_audit.run_activity_claims (run_id) VALUES (%s) ON CONFLICT DO NOTHING",
                    (activity["run_id"],),
                )
                if cur.rowcount == 1:
                    claimed.append(activity)
        kept = record(settings, "job_execution_audit", runs, producer="run_sensor", cursor=cur)
        return {
            "job_execution_audit": len(kept),
            "user_activity_log": len(record(settings, "user_activity_log", claimed, producer="run_sensor", cursor=cur)),
        }

    return _in_transaction(settings, None, write)


def ship_now(settings: Settings, tables: Sequence[str] | None) -> str | None:
    """Ship these tables' outbox rows (all with None) to MySQL now; None when done, else why not.

    Callers that want their records in MySQL before they return (a GDPR request, the report) use it. A
    failure is not fatal: the rows wait in the outbox and the audit sensor ships them within a minute. A
    payload the store rejects (a producer bug) is reported here and stays pending.
    """
    try:
        from genims_assets.audit.outbox_ship import ship_outbox

        shipment = ship_outbox(settings, tables=None if tables is None else list(tables))
    except Exception as error:  # noqa: BLE001 - reported to the caller; the rows are safe in the outbox
        return f"{type(error).__name__}: {error}"
    if shipment.rejected:
        first = next(iter(shipment.rejected.values()))
        return f"{len(shipment.rejected)} outbox rows rejected by the store, first: {first}"
    return None
