"""`audit_queue_sensor`: every ETL_AUDIT_INTERVAL seconds, a run for each day that has pending audit events.

Why it is built this way:
- The poll is cheap: per source database (and the platform outbox) one
  grouped query over the queue's partial index of pending rows, returning
  counts and max ids per UTC day, never an event payload; 14 small queries,
  well inside Dagster's 60-second limit on a sensor evaluation. The work
  (reading, classifying, writing) happens in the run.
- The pending state of a day is (source, max pending id, count) of every
  source; its digest is the run key and is kept in the cursor per day. A
  state that was requested once is never requested again (same cursor entry,
  and Dagster refuses a run key it has seen); new events change the max id,
  so they always yield a new request. A failed run therefore is not retried
  by the sensor until new events arrive (the run's own retry policy applies).
- A day with a run still queued or in progress is not requested (one
  instance query per tick); its events wait for the next tick after it ends.
  Shipping is idempotent anyway (FOR UPDATE SKIP LOCKED, idempotency keys).
- A day outside the partitions (before the retention's first year, or after
  today by a source clock ahead of ours) is logged, not requested.
- A source database that cannot be reached is logged and skipped: the others
  still ship.
"""

import hashlib
import json
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import dagster as dg

from genims_assets.settings import Settings

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

SENSOR = "audit_queue_sensor"
ACTIVE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def pending_states(polled: dict) -> tuple[dict[str, list[str]], list[str]]:
    """day -> sorted 'source:max_id:count' parts, and the sources that could not be polled (with why)."""
    days: dict[str, list[str]] = {}
    unreachable = []
    for source, state in polled.items():
        if isinstance(state, str):
            unreachable.append(f"{source}: {state}")
            continue
        for pending in state or ():
            days.setdefault(pending.day.isoformat(), []).append(f"{source}:{pending.max_event_id}:{pending.events}")
    return {day: sorted(parts) for day, parts in days.items()}, unreachable


def state_key(day: str, parts: list[str]) -> str:
    return f"{day}:{hashlib.sha256('|'.join(parts).encode()).hexdigest()[:20]}"


def active_partitions(instance: dg.DagsterInstance, job_name: str) -> set[str]:
    runs = instance.get_runs(filters=dg.RunsFilter(job_name=job_name, statuses=ACTIVE))
    return {run.tags.get("dagster/partition") for run in runs if run.tags.get("dagster/partition")}


def build_audit_queue_sensor(
    settings: Settings, job: "UnresolvedAssetJobDefinition", first_day: date
) -> dg.SensorDefinition:
    @dg.sensor(
        name=SENSOR,
        job=job,
        minimum_interval_seconds=settings.audit_interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Requests the audit shipping run of each UTC day with pending events in a source change queue "
        "or the platform outbox (counts and ids only; one request per pending state).",
    )
    def audit_queue_sensor(context: dg.SensorEvaluationContext):
        from genims_assets.audit.ship import pending_by_day

        requested: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
        days, unreachable = pending_states(pending_by_day(settings))
        for problem in unreachable:
            context.log.warning(f"audit queue not polled: {problem}")
        today = datetime.now(UTC).date()
        busy = active_partitions(context.instance, job.name) if days else set()
        cursor: dict[str, str] = {}
        requests = []
        for day, parts in sorted(days.items()):
            key = state_key(day, parts)
            if requested.get(day) == key:
                cursor[day] = key
                continue
            if not first_day <= date.fromisoformat(day) <= today:
                context.log.warning(f"pending audit events dated {day} lie outside the audit partitions; not requested")
                continue
            if day in busy:
                if day in requested:
                    cursor[day] = requested[day]
                continue
            requests.append(
                dg.RunRequest(run_key=key, partition_key=day, tags={"genims/trigger": SENSOR, "genims/pending": key})
            )
            cursor[day] = key
        return dg.SensorResult(run_requests=requests, cursor=json.dumps(cursor, sort_keys=True))

    return audit_queue_sensor
