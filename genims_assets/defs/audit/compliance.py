"""Compliance in Dagster: the job-execution sensor, the control and report schedules, GDPR erasure enforcement.

Why it is built this way:
- `audit_job_execution_sensor` is a plain sensor over Dagster's run-status
  event records, not a `@run_status_sensor`: a run-status sensor advances its
  cursor even when its function raises, so an outbox hiccup would lose that
  run's record for ever. Here the cursor (last storage id per status) moves only
  after the events are committed to the outbox, in one transaction; a replay
  after a crash gives the same (run_id, run_status, event_timestamp) key and
  the store drops it. One sensor covers started, success, failure and canceled.
- Schedules pass the day they test as a run tag and use it in the run key, so a
  late or repeated tick tests the same day once, and a run can be re-executed.
- GDPR erasure is re-applied after every successful reporting run
  (`gdpr_erasure_after_reporting`): a refresh reloads names from the sources,
  the enforcement run pseudonymises them again.
- No `from __future__ import annotations`: Dagster reads the op's `context`
  annotation at definition time.
"""

import json
from datetime import UTC, date, datetime, timedelta

import dagster as dg
from dagster import OpExecutionContext

from genims_assets.settings import Settings

JOB_SENSOR = "audit_job_execution_sensor"
EVENTS_PER_STATUS = 200
DAY_TAG = "genims/day"
CONTROLS_CRON = "30 2 * * *"
SLA_CRON = "15 * * * *"  # a quarter past: the hourly reporting refresh (HH:00) has finished
REPORT_CRON = "0 3 * * *"


def _day(context: OpExecutionContext) -> date | None:
    tag = context.run.tags.get(DAY_TAG)
    return date.fromisoformat(tag) if tag else None


def _previous_day(context: dg.ScheduleEvaluationContext) -> str:
    tick = context.scheduled_execution_time or datetime.now(UTC)
    return (tick.astimezone(UTC).date() - timedelta(days=1)).isoformat()


def _jobs(settings: Settings) -> dict[str, dg.JobDefinition]:
    @dg.op(name="run_daily_controls", description="SOX and HIPAA control tests of one day (default yesterday).")
    def run_controls(context: OpExecutionContext) -> None:
        from genims_assets.audit.controls import run_daily_controls

        results = run_daily_controls(settings, _day(context), run_id=context.run.run_id)
        for table, rows in results.items():
            failed = [r.get("control_id") or r.get("check_name") for r in rows
                      if r.get("test_result", r.get("result")) in ("fail", "warning")]  # fmt: skip
            context.log.info(f"{table}: {len(rows)} tests, not passed: {failed or 'none'}")

    @dg.op(name="run_sla_checks", description="Reporting freshness and sync time, audit lag, service-ticket SLA.")
    def run_sla(context: OpExecutionContext) -> None:
        from genims_assets.audit.controls import run_sla_checks

        rows = run_sla_checks(settings, run_id=context.run.run_id)
        breached = [f"{r['sla_name']}:{r['subject']}" for r in rows if r["status"] == "breached"]
        context.log.info(f"{len(rows)} SLA checks, breached: {breached or 'none'}")

    @dg.op(name="write_compliance_report", description="The daily compliance report (HTML and CSV).")
    def write_report(context: OpExecutionContext) -> None:
        from genims_assets.audit.report import generate_report

        launched = context.run.tags.get("dagster/schedule_name")
        result = generate_report(
            settings, _day(context), run_id=context.run.run_id, user_id=f"schedule:{launched}" if launched else None
        )
        context.log.info(f"compliance report for {result.day}: {result.html} (sha256 {result.checksum})")

    @dg.op(name="enforce_gdpr_erasures", description="Pseudonymise erased data subjects again in reporting.")
    def enforce(context: OpExecutionContext) -> None:
        from genims_assets.audit.gdpr import enforce_erasures

        changed = enforce_erasures(settings)
        context.log.info(f"rows pseudonymised again: {changed or 'none'}")

    @dg.job(name="compliance_controls_daily", description="SOX and HIPAA control tests of the previous day.")
    def controls_job() -> None:
        run_controls()

    @dg.job(name="compliance_sla_hourly", description="Hourly SLA checks into sla_compliance_tracking.")
    def sla_job() -> None:
        run_sla()

    @dg.job(name="compliance_report_daily", description="Daily compliance report of the previous day.")
    def report_job() -> None:
        write_report()

    @dg.job(name="gdpr_erasure_enforcement", description="Re-apply GDPR erasures to genims_reporting_db.")
    def enforcement_job() -> None:
        enforce()

    return {"controls": controls_job, "sla": sla_job, "report": report_job, "enforcement": enforcement_job}


def _daily_schedule(name: str, job: dg.JobDefinition, cron: str, description: str) -> dg.ScheduleDefinition:
    def evaluate(context: dg.ScheduleEvaluationContext):
        day = _previous_day(context)
        return dg.RunRequest(run_key=f"{name}:{day}", tags={DAY_TAG: day})

    return dg.ScheduleDefinition(
        name=name,
        job=job,
        cron_schedule=cron,
        execution_timezone="UTC",
        execution_fn=evaluate,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=description,
    )


def read_cursor(cursor: str | None) -> dict[str, int]:
    from genims_assets.audit.activity import RUN_STATUSES

    state = {status: 0 for status in RUN_STATUSES}
    if cursor:
        try:
            stored = json.loads(cursor)
            state.update({k: int(v) for k, v in stored.items() if k in state})
        except (ValueError, TypeError, AttributeError):
            pass  # an unreadable cursor restarts from the beginning: replays are dropped by the natural key
    return state


def job_execution_sensor(settings: Settings) -> dg.SensorDefinition:
    @dg.sensor(
        name=JOB_SENSOR,
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Records every run of the platform (started, success, failure, canceled) in job_execution_audit, "
        "and materialisations started by a person in user_activity_log.",
    )
    def sensor(context: dg.SensorEvaluationContext) -> dg.SkipReason:
        from genims_assets.audit.activity import RUN_STATUSES, fetch_run_events, record_run_events

        state = read_cursor(context.cursor)
        events = []
        for status in RUN_STATUSES:
            events.extend(fetch_run_events(context.instance, status, state[status], EVENTS_PER_STATUS))
        events.sort(key=lambda e: e.storage_id)
        if not events:
            return dg.SkipReason("no new run events")
        counts = record_run_events(settings, context.instance, events)
        for event in events:
            state[event.status] = max(state[event.status], event.storage_id)
        context.update_cursor(json.dumps(state, sort_keys=True))
        return dg.SkipReason(f"recorded {counts['job_execution_audit']} run events, {counts['user_activity_log']} "
                             "user activities")  # fmt: skip

    return sensor


def erasure_sensor(settings: Settings, enforcement_job: dg.JobDefinition) -> dg.RunStatusSensorDefinition:
    @dg.run_status_sensor(
        name="gdpr_erasure_after_reporting",
        run_status=dg.DagsterRunStatus.SUCCESS,
        request_job=enforcement_job,
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="After a successful reporting refresh, re-apply GDPR erasures when any exist.",
    )
    def after_reporting(context: dg.RunStatusSensorContext):
        if not context.dagster_run.job_name.startswith("reporting_"):
            return None
        from genims_assets.audit.gdpr import pseudonym_map

        if not pseudonym_map(settings):
            return None
        return dg.RunRequest(run_key=f"erasure-after:{context.dagster_run.run_id}")

    return after_reporting


def defs(settings: Settings) -> dg.Definitions:
    jobs = _jobs(settings)
    return dg.Definitions(
        jobs=list(jobs.values()),
        schedules=[
            _daily_schedule(
                "compliance_controls_daily_0230",
                jobs["controls"],
                CONTROLS_CRON,
                "SOX and HIPAA control tests of the previous day, at 02:30 UTC.",
            ),
            _daily_schedule(
                "compliance_report_daily_0300",
                jobs["report"],
                REPORT_CRON,
                "The daily compliance report of the previous day, at 03:00 UTC.",
            ),
            dg.ScheduleDefinition(
                name="compliance_sla_hourly",
                job=jobs["sla"],
                cron_schedule=SLA_CRON,
                execution_timezone="UTC",
                default_status=dg.DefaultScheduleStatus.RUNNING,
                description="SLA checks, hourly at HH:15 UTC.",
            ),
        ],  # fmt: skip
        sensors=[job_execution_sensor(settings), erasure_sensor(settings, jobs["enforcement"])],
    )
