"""Platform activity records: reads and exports, and every Dagster run, on real servers.

`CompliancePlatform` (also used by test_gdpr, test_controls and test_compliance_report) builds a private
platform named gcomp_<name>_*: the Dagster PostgreSQL database (outbox, registers), the source databases a
test needs (catalog DDL, empty), genims_reporting_db and genims_audit_db exactly as setup builds them
(schema, partitions, guard triggers, counters) and the three audit accounts (gcomp_<name>_ship/_read/_keep,
random passwords). Audit rows reach MySQL only through the real outbox shipper and store.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest
from psycopg2 import sql

from genims_assets.audit import activity
from genims_assets.connections import mysql_connect, postgres_connect
from genims_assets.mysql_partitions import ident
from genims_assets.platform_setup.mysql_schema import AUDIT, REPORTING, apply_layer
from genims_assets.settings import SOURCE_DATABASES, Settings
from genims_assets.sqlfiles import read_sql, run_script


class CompliancePlatform:
    """A throw-away platform gcomp_<name>_* on the machine's PostgreSQL and MariaDB."""

    def __init__(self, name: str, sources: tuple[str, ...] = (), tmp: Path | None = None) -> None:
        prefix = f"gcomp_{name}_"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MYSQL_", "POSTGRES_DB_"))}
        env |= {f"POSTGRES_DB_{s.upper()}": prefix + d for s, d in SOURCE_DATABASES.items()}
        env |= {"MYSQL_REPORTING_DB": prefix + "reporting_db", "MYSQL_AUDIT_DB": prefix + "audit_db"}
        env |= {"DAGSTER_PG_DB": prefix + "dagster", "MYSQL_ADMIN_USER": "root", "MYSQL_ADMIN_PASSWORD": ""}
        for variable, suffix in (
            ("MYSQL_AUDIT", "ship"),
            ("MYSQL_AUDIT_READER", "read"),
            ("MYSQL_AUDIT_RETENTION", "keep"),
        ):
            env[f"{variable}_USER"] = prefix + suffix
            env[f"{variable}_PASSWORD"] = secrets.token_urlsafe(18)
        if tmp is not None:
            env["ETL_LOG_DIR"] = str(tmp / "logs")
        self.env = env
        self.settings = Settings.from_env(env)
        self.sources = sources
        self.drop()
        admin = postgres_connect(self.settings.postgres, "postgres")
        admin.autocommit = True
        with admin.cursor() as cur:
            for database in (self.settings.dagster_database, *(self.settings.postgres.databases[s] for s in sources)):
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        admin.close()
        for short in sources:
            conn = postgres_connect(self.settings.postgres, self.settings.postgres.databases[short])
            with conn, conn.cursor() as cur:
                cur.execute("SET client_min_messages = warning")
                run_script(cur, read_sql("postgres", f"{SOURCE_DATABASES[short]}.sql"))
            conn.close()
        today = date.today()
        apply_layer(REPORTING, self.settings.reporting, today, lambda _: None)
        apply_layer(AUDIT, self.settings.admin_target(self.settings.audit), today, lambda _: None)
        from genims_assets.audit.accounts import ensure_accounts

        ensure_accounts(self.settings)

    # -- source and MySQL helpers ----------------------------------------------------------------------------------

    def pg(self, short: str | None = None):
        """A connection to a source database (short name) or, with None, to the Dagster database."""
        database = self.settings.postgres.databases[short] if short else self.settings.dagster_database
        return postgres_connect(self.settings.postgres, database)

    def execute_source(self, short: str | None, statement, params=None) -> None:
        conn = self.pg(short)
        with conn, conn.cursor() as cur:
            cur.execute(statement, params)
        conn.close()

    def insert_source(self, short: str, table: str, row: dict) -> None:
        statement = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            sql.Identifier(table),
            sql.SQL(", ").join(map(sql.Identifier, row)),
            sql.SQL(", ").join(sql.Placeholder() * len(row)),
        )
        self.execute_source(short, statement, list(row.values()))

    def mysql(self, target: str = "audit", **kwargs):
        """Root connection to the audit or reporting database (for test set-up and inspection only)."""
        base = self.settings.audit if target == "audit" else self.settings.reporting
        return mysql_connect(self.settings.admin_target(base), **kwargs)

    def rows(self, table: str, target: str = "audit", where: str = "", params=()) -> list[dict]:
        conn = self.mysql(target)
        try:
            with conn.cursor() as cur:
                cur.execute(f"SELECT * FROM {ident(table)} {where}", params)
                names = [d[0] for d in cur.description]
                out = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        finally:
            conn.close()
        for row in out:
            for key, value in row.items():
                if isinstance(value, str) and value[:1] in "[{" and key not in ("primary_key_value",):
                    try:
                        row[key] = json.loads(value)
                    except ValueError:
                        pass
        return out

    def write_audit(self, rows_by_table: dict[str, list[dict]]) -> dict:
        """Rows straight into audit tables through the one write path (as the change shipper would)."""
        from genims_assets.audit.store import connect_store, write_batch

        conn = connect_store(self.settings)
        try:
            return write_batch(conn, rows_by_table, writer="gcomp-test")
        finally:
            conn.close()

    def ship(self, tables=None) -> None:
        problem = activity.ship_now(self.settings, tables)
        assert problem is None, problem

    def outbox(self, table: str, shipped: bool | None = None) -> list[dict]:
        conn = self.pg()
        with conn, conn.cursor() as cur:
            cur.execute(
                "SELECT payload FROM genims_audit.platform_outbox WHERE target_table = %s "
                "AND (%s IS NULL OR (shipped_at IS NOT NULL) = %s) ORDER BY event_id",
                (table, shipped, shipped),
            )
            rows = [r[0] for r in cur.fetchall()]
        conn.close()
        return rows

    def drop(self) -> None:
        admin = postgres_connect(self.settings.postgres, "postgres")
        admin.autocommit = True
        with admin.cursor() as cur:
            for database in (self.settings.dagster_database, *self.settings.postgres.databases.values()):
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
        admin.close()
        conn = mysql_connect(self.settings.admin_target(self.settings.audit), database=None, autocommit=True)
        try:
            with conn.cursor() as cur:
                for database in (self.settings.audit.database, self.settings.reporting.database):
                    cur.execute(f"DROP DATABASE IF EXISTS {ident(database)}")
                for account in self.settings.audit_accounts():
                    cur.execute("DROP USER IF EXISTS %s@'%%'", (account.user,))
        finally:
            conn.close()


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    built = CompliancePlatform("act", tmp=tmp_path_factory.mktemp("act"))
    yield built
    built.drop()


# --- reads, exports, logins ----------------------------------------------------------------------------------------


def test_reads_are_logged_per_table_with_one_user_activity(platform):
    settings = platform.settings
    reads = [
        activity.TableRead("gcomp_x_db", "customers", 3, ("customer_id", "customer_name"), "customer_id = ?"),
        activity.TableRead("gcomp_x_db", "contacts", 0),
    ]
    when = utc(2026, 11, 20, 10, 0, 0)
    ids = activity.record_reads(
        settings, user_id="auditor.anna", reads=reads, access_type="export", object_type="report",
        object_name="/srv/exports/x.json", purpose="investigation", sensitive_data=True, export_format="json",
        export_destination="/srv/exports/x.json", when=when,
    )  # fmt: skip
    assert len(ids["data_access_log"]) == 2 and len(ids["user_activity_log"]) == 1
    platform.ship(["data_access_log", "user_activity_log"])
    access = platform.rows("data_access_log", where="WHERE user_id = %s ORDER BY table_name", params=("auditor.anna",))
    assert [(a["table_name"], a["row_count"], a["access_type"]) for a in access] == [
        ("contacts", 0, "export"),
        ("customers", 3, "export"),
    ]
    assert access[1]["columns_accessed"] == ["customer_id", "customer_name"]
    assert {a["export_destination"] for a in access} == {"/srv/exports/x.json"}
    assert {a["access_timestamp"] for a in access} == {when.replace(tzinfo=None)}
    (user,) = platform.rows("user_activity_log", where="WHERE user_id = %s", params=("auditor.anna",))
    assert (user["activity_type"], user["sensitive_data"], user["row_count"]) == ("export", 1, 3)
    assert user["activity_timestamp"] == when.replace(tzinfo=None)
    assert user["details"]["tables_read"] == 2


def test_bad_values_are_refused_before_anything_is_kept(platform):
    before = len(platform.outbox("data_access_log"))
    with pytest.raises(activity.ActivityError, match="access_type='peek' is not one of: read, query, export"):
        activity.record_reads(
            platform.settings, user_id="u", reads=[activity.TableRead("d", "t", 1)], access_type="peek",
            object_type="table", object_name="d.t", purpose="p", sensitive_data=False,
        )  # fmt: skip
    with pytest.raises(activity.ActivityError, match="event='jump'"):
        activity.record_login(platform.settings, user_id="u", event="jump")
    assert len(platform.outbox("data_access_log")) == before


def test_login_is_a_user_activity(platform):
    activity.record_login(platform.settings, user_id="ops.olga", outcome="denied", client_address="10.1.2.3")
    platform.ship(["user_activity_log"])
    (row,) = platform.rows("user_activity_log", where="WHERE user_id = 'ops.olga'")
    assert (row["activity_type"], row["outcome"], row["client_address"]) == ("login", "denied", "10.1.2.3")


def test_actor_prefers_explicit_then_environment(monkeypatch):
    monkeypatch.setenv("GENIMS_USER", "env.user")
    assert activity.actor(" given ") == "given"
    assert activity.actor() == "env.user"
    monkeypatch.delenv("GENIMS_USER")
    assert activity.actor()  # the operating-system login


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"dagster/schedule_name": "nightly"}, ("schedule:nightly", "schedule", None)),
        ({"dagster/sensor_name": "audit_queue_sensor"}, ("sensor:audit_queue_sensor", "sensor", None)),
        (
            {"dagster/sensor_name": "default_automation_condition_sensor", "dagster/from_automation_condition": "true"},
            ("sensor:default_automation_condition_sensor", "automation", None),
        ),
        ({"dagster/backfill": "abcd", "user": "bob"}, ("bob", "backfill", "bob")),
        ({"dagster/backfill": "abcd"}, ("backfill:abcd", "backfill", "unidentified")),
        ({"user": "alice@example.com"}, ("alice@example.com", "manual", "alice@example.com")),
        ({}, ("unidentified", "manual", "unidentified")),
    ],
)
def test_launch_is_classified_from_run_tags(tags, expected):
    launch = activity.classify_launch(tags)
    assert (launch.launched_by, launch.launch_type, launch.person) == expected


# --- Dagster runs -------------------------------------------------------------------------------------------------


@dg.asset(key=["reporting", "sales_order_summary"])
def _sales() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"dagster/row_count": 42})


@dg.asset(key=["reporting", "broken_table"])
def _broken() -> None:
    raise RuntimeError("source table missing")


def _run_defs() -> dg.Definitions:
    return dg.Definitions(
        assets=[_sales, _broken],
        jobs=[
            dg.define_asset_job("reporting_daily_refresh", selection=[_sales.key]),
            dg.define_asset_job("reporting_broken", selection=[_broken.key]),
        ],
    )


def test_the_run_sensor_records_every_run_once(platform):
    from genims_assets.defs.audit.compliance import JOB_SENSOR, job_execution_sensor

    defs = _run_defs()
    sensor = job_execution_sensor(platform.settings)
    with dg.instance_for_test() as instance:
        manual = defs.resolve_job_def("reporting_daily_refresh").execute_in_process(
            instance=instance, tags={"user": "analyst.ann"}
        )
        scheduled = defs.resolve_job_def("reporting_broken").execute_in_process(
            instance=instance, tags={"dagster/schedule_name": "reporting_hourly"}, raise_on_error=False
        )
        assert manual.success and not scheduled.success
        context = dg.build_sensor_context(instance=instance, sensor_name=JOB_SENSOR)
        result = sensor(context)
        assert "recorded 4 run events, 1 user activities" in result.skip_message
        first_cursor = context.cursor
        assert sensor(dg.build_sensor_context(instance=instance, cursor=first_cursor)).skip_message == (
            "no new run events"
        )
        # A crash before the cursor was stored: the same events come again, and nothing is doubled in MySQL.
        replay = sensor(dg.build_sensor_context(instance=instance, sensor_name=JOB_SENSOR))
        assert "recorded 4 run events, 0 user activities" in replay.skip_message
        stats = instance.get_run_stats(manual.run_id)

    platform.ship(["job_execution_audit", "user_activity_log"])
    runs = platform.rows("job_execution_audit", where="ORDER BY job_event_sequence")
    assert len(runs) == 4, "the replayed events must not be stored twice"
    by_key = {(r["run_id"], r["run_status"]): r for r in runs}
    assert set(by_key) == {(manual.run_id, "started"), (manual.run_id, "success"),
                           (scheduled.run_id, "started"), (scheduled.run_id, "failure")}  # fmt: skip
    success = by_key[(manual.run_id, "success")]
    assert (success["job_name"], success["launched_by"], success["launch_type"]) == (
        "reporting_daily_refresh", "analyst.ann", "manual",
    )  # fmt: skip
    assert success["assets_touched"] == ["reporting/sales_order_summary"]
    assert success["rows_written"] == 42
    assert success["started_at"] == datetime.fromtimestamp(stats.start_time, UTC).replace(tzinfo=None)
    assert float(success["duration_seconds"]) == pytest.approx(stats.end_time - stats.start_time, abs=0.002)
    assert success["tags"] == {"user": "analyst.ann"}
    failure = by_key[(scheduled.run_id, "failure")]
    assert (failure["launched_by"], failure["launch_type"]) == ("schedule:reporting_hourly", "schedule")
    assert "Steps failed" in failure["error_message"] and failure["ended_at"] is not None
    assert by_key[(scheduled.run_id, "started")]["ended_at"] is None
    assert by_key[(manual.run_id, "started")]["error_message"] is None
    people = platform.rows("user_activity_log", where="WHERE run_id IS NOT NULL")
    assert [(p["user_id"], p["activity_type"], p["object_name"], p["run_id"]) for p in people] == [
        ("analyst.ann", "materialize", "reporting_daily_refresh", manual.run_id)
    ]
    assert people[0]["sensitive_data"] == 1  # sales_order_summary names customers and sales reps


def test_compliance_definitions_schedule_the_checks_and_the_report(platform):
    from genims_assets.defs.audit.compliance import defs as compliance_defs

    defs = compliance_defs(platform.settings)
    schedules = {s.name: s for s in defs.schedules}
    assert {n: s.cron_schedule for n, s in schedules.items()} == {
        "compliance_controls_daily_0230": "30 2 * * *",
        "compliance_report_daily_0300": "0 3 * * *",
        "compliance_sla_hourly": "15 * * * *",
    }
    assert all(s.default_status == dg.DefaultScheduleStatus.RUNNING for s in schedules.values())
    assert all(s.default_status == dg.DefaultSensorStatus.RUNNING for s in defs.sensors)
    tick = dg.build_schedule_context(scheduled_execution_time=utc(2026, 11, 24, 3, 0))
    (request,) = schedules["compliance_report_daily_0300"].evaluate_tick(tick).run_requests
    assert request.tags["genims/day"] == "2026-11-23"
    assert request.run_key == "compliance_report_daily_0300:2026-11-23"
    late = dg.build_schedule_context(scheduled_execution_time=utc(2026, 11, 24, 2, 30) + timedelta(seconds=1))
    (control,) = schedules["compliance_controls_daily_0230"].evaluate_tick(late).run_requests
    assert control.tags["genims/day"] == "2026-11-23"
    dg.Definitions.validate_loadable(defs)


def test_an_event_of_a_deleted_run_is_recorded_not_blocking(platform):
    with dg.instance_for_test() as instance:
        event = activity.RunEvent(7, "failure", "0000-gone", utc(2026, 11, 20, 1, 2, 3), "boom", "reporting_x")
        row, person = activity.run_event_rows(instance, event)
    assert person is None
    assert (row["run_id"], row["job_name"], row["run_status"]) == ("0000-gone", "reporting_x", "failure")
    assert "deleted" in row["error_message"]
    from genims_assets.audit.store import prepare_rows

    assert prepare_rows("job_execution_audit", [row]).size == 1  # a row the store accepts as it is
