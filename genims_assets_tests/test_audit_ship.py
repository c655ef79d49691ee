"""Shipping the change queues on the real servers: capture -> queue -> classify -> genims_audit_db, exactly once.

Every database and account here carries the gship_ prefix; the module builds them and drops them at the end.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg2
import pytest
from click.testing import CliRunner
from psycopg2 import sql

from genims_assets.settings import SOURCE_DATABASES, Settings

PREFIX = "gship_"
SHORTS = ("erp", "crm", "supplier")
ROLE = PREFIX + "analyst"
_PASSWORDS = {k: secrets.token_hex(12) for k in ("shipper", "reader", "retention")}


def gship_env() -> dict[str, str]:
    """The environment of this suite: gship_ databases and accounts (passwords made up per test session)."""
    env = dict(os.environ)
    for short, name in SOURCE_DATABASES.items():
        env[f"POSTGRES_DB_{short.upper()}"] = PREFIX + name
    env.update(
        {
            "MYSQL_REPORTING_DB": PREFIX + "genims_reporting_db",
            "MYSQL_AUDIT_DB": PREFIX + "genims_audit_db",
            "DAGSTER_PG_DB": PREFIX + "genims_dagster",
            "MYSQL_ADMIN_USER": "root",
            "MYSQL_ADMIN_PASSWORD": "",
            "MYSQL_AUDIT_USER": PREFIX + "shipper",
            "MYSQL_AUDIT_PASSWORD": _PASSWORDS["shipper"],
            "MYSQL_AUDIT_READER_USER": PREFIX + "reader",
            "MYSQL_AUDIT_READER_PASSWORD": _PASSWORDS["reader"],
            "MYSQL_AUDIT_RETENTION_USER": PREFIX + "retention",
            "MYSQL_AUDIT_RETENTION_PASSWORD": _PASSWORDS["retention"],
            "DATA_SYNC_BATCH_SIZE": "50",
        }
    )
    return env


def gship_settings() -> Settings:
    return Settings.from_env(gship_env())


def pg_admin(settings: Settings):
    conn = psycopg2.connect(
        dbname="postgres", host=settings.postgres.host, port=settings.postgres.port, user=settings.postgres.user
    )
    conn.autocommit = True
    return conn


def pg(settings: Settings, short: str):
    return psycopg2.connect(
        dbname=settings.postgres.databases[short],
        host=settings.postgres.host,
        port=settings.postgres.port,
        user=settings.postgres.user,
        application_name="gship-test",
    )


def drop_everything(settings: Settings) -> None:
    from genims_assets.audit.accounts import admin_connect
    from genims_assets.platform_setup.mysql_schema import drop_layer

    conn = pg_admin(settings)
    with conn.cursor() as cur:
        for name in [*settings.postgres.databases.values(), settings.dagster_database]:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (ROLE,))
        if cur.fetchone():
            cur.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(ROLE)))
    conn.close()
    drop_layer(settings.admin_target(settings.audit))
    admin = admin_connect(settings)
    with admin.cursor() as cur:
        for account in settings.audit_accounts():
            cur.execute("DROP USER IF EXISTS %s@'%%'", (account.user,))
    admin.close()


def build_world(settings: Settings, shorts=SHORTS, empty=()) -> None:
    """Source databases with the catalog's tables and capture installed, the audit database with its accounts,
    and the Dagster database (outbox, chain heads); `empty` databases exist without tables or capture."""
    from genims_assets.audit import outbox, outbox_ship
    from genims_assets.audit.accounts import ensure_accounts
    from genims_assets.audit.capture import install_capture
    from genims_assets.platform_setup.build import ensure_dagster_database
    from genims_assets.platform_setup.mysql_schema import AUDIT, apply_layer
    from genims_assets.sqlfiles import read_sql, run_script

    drop_everything(settings)
    # The outbox and chain-head tables are created once per process and remembered; this world is new.
    outbox._READY.clear()
    outbox_ship._HEADS_READY.clear()
    admin = pg_admin(settings)
    with admin.cursor() as cur:
        for short in (*shorts, *empty):
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings.postgres.databases[short])))
        cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(ROLE)))
    admin.close()
    for short in shorts:
        conn = pg(settings, short)
        with conn, conn.cursor() as cur:
            cur.execute("SET client_min_messages = warning")
            run_script(cur, read_sql("postgres", f"{SOURCE_DATABASES[short]}.sql"))
        conn.close()
    reports = install_capture(settings, list(shorts))
    assert all(r.ok for r in reports), [r.line() for r in reports]
    apply_layer(AUDIT, settings.admin_target(settings.audit), datetime.now(UTC).date(), lambda _line: None)
    ensure_accounts(settings)
    ensure_dagster_database(settings)


def mysql_rows(settings: Settings, query: str, params=()) -> list[tuple]:
    from genims_assets.audit.accounts import admin_connect

    conn = admin_connect(settings, settings.audit.database)
    try:
        with conn.cursor() as cur:
            cur.execute(query, params)
            return list(cur.fetchall())
    finally:
        conn.close()


def pending(settings: Settings, short: str) -> list[int]:
    conn = pg(settings, short)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT event_id FROM genims_audit.change_queue WHERE shipped_at IS NULL ORDER BY 1")
        ids = [r[0] for r in cur.fetchall()]
    conn.close()
    return ids


def table_names(rows) -> list:
    """The changed tables of a batch's system_audit_log rows: dicts, or prepared by store.prepare_batch."""
    return rows.values("table_name") if hasattr(rows, "values") else [r["table_name"] for r in rows]


def verify_all(settings: Settings) -> dict[str, list[str]]:
    """Problems found by the verifier's table check, per audit table that has rows."""
    from genims_assets.audit.store import connect_store
    from genims_assets.audit.tables import audit_tables
    from genims_assets.audit.verify import verify_table

    conn = connect_store(settings)
    try:
        return {t: verify_table(conn, t).problems for t in audit_tables()}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def gship() -> Iterator[Settings]:
    settings = gship_settings()
    build_world(settings, empty=("hcm",))
    yield settings
    drop_everything(settings)


def test_changes_of_every_kind_are_shipped_with_before_after_and_user(gship):
    from genims_assets.audit.ship import pending_by_day, ship_changes

    erp = pg(gship, "erp")
    with erp, erp.cursor() as cur:
        cur.execute("SET LOCAL genims.user_id = 'alice'; SET LOCAL genims.reason_code = 'COST-UPDATE'")
        cur.execute(
            "INSERT INTO materials (material_id, material_code, material_name, material_type, base_unit_of_measure, "
            "standard_cost) VALUES ('MAT-1', 'M1', 'Steel', 'raw', 'KG', 80.00)"
        )
    with erp, erp.cursor() as cur:
        cur.execute("SET LOCAL genims.user_id = 'bob'; SET LOCAL genims.approval_id = 'APR-9'")
        cur.execute("UPDATE materials SET standard_cost = 100.00 WHERE material_id = 'MAT-1'")
    with erp, erp.cursor() as cur:
        cur.execute("DELETE FROM materials WHERE material_id = 'MAT-1'")
        cur.execute("TRUNCATE exchange_rates")
        cur.execute("ALTER TABLE materials ADD COLUMN gship_note text")
        cur.execute(sql.SQL("GRANT SELECT ON materials TO {}").format(sql.Identifier(ROLE)))
    erp.close()
    crm = pg(gship, "crm")
    with crm, crm.cursor() as cur:
        cur.execute(
            "INSERT INTO accounts (account_id, account_number, account_name, account_type) "
            "SELECT 'ACC-' || g, 'N' || g, 'Account ' || g, 'customer' FROM generate_series(1, 120) AS g"
        )
    crm.close()

    polled = pending_by_day(gship, SHORTS)
    today = datetime.now(UTC).date()
    assert [d.day for d in polled["erp"]] == [today]
    assert polled["erp"][0].events == len(pending(gship, "erp")) > 0
    assert polled["crm"][0].events == 121  # 120 row events + 1 bulk event (over the 100-row threshold)

    report = ship_changes(gship, day=today, shorts=SHORTS, run_id="run-e2e")
    assert not report.errors and not report.malformed
    assert report.events_shipped == polled["erp"][0].events + polled["crm"][0].events
    assert pending(gship, "erp") == [] and pending(gship, "crm") == []

    erp_db = gship.postgres.databases["erp"]
    audit = mysql_rows(
        gship,
        "SELECT operation, user_id, user_source, reason_code, approval_id, "
        "JSON_EXTRACT(old_values, '$.standard_cost'), "
        "JSON_EXTRACT(new_values, '$.standard_cost'), status FROM system_audit_log WHERE source_database = %s "
        "AND table_name = 'materials' ORDER BY audit_sequence",
        (erp_db,),
    )
    assert [(r[0], r[1], r[2]) for r in audit] == [
        ("INSERT", "alice", "application"),
        ("UPDATE", "bob", "application"),
        ("DELETE", "postgres", "db_session_user"),
    ]
    assert audit[0][3] == "COST-UPDATE" and audit[1][4] == "APR-9"
    assert (float(audit[1][5]), float(audit[1][6])) == (80.0, 100.0) and audit[2][6] is None
    assert {r[7] for r in audit} == {"committed"}
    price = mysql_rows(gship, "SELECT column_name, old_price, new_price, pct_change, user_id FROM price_cost_changes")
    assert [(r[0], float(r[1] or 0), float(r[2] or 0), r[3] and float(r[3]), r[4]) for r in price] == [
        ("standard_cost", 0.0, 80.0, None, "alice"),
        ("standard_cost", 80.0, 100.0, 25.0, "bob"),
        ("standard_cost", 100.0, 0.0, None, "postgres"),
    ]
    columns = mysql_rows(gship, "SELECT column_name, old_value, new_value, change_type FROM data_change_audit")
    assert ("standard_cost", "80.0000", "100.0000", "modified") in columns  # numeric(15,4) as PostgreSQL prints it
    assert mysql_rows(gship, "SELECT operation, rows_affected FROM bulk_operation_audit ORDER BY 1") == [
        ("INSERT", 120),
        ("TRUNCATE", 0),
    ]
    assert mysql_rows(gship, "SELECT COUNT(*) FROM customer_data_changes")[0][0] == 120
    ddl = mysql_rows(gship, "SELECT command_tag, object_identity, trigger_event FROM database_changes")
    assert ("ALTER TABLE", "public.materials", "ddl_command_end") in ddl
    grants = mysql_rows(gship, "SELECT operation, grantee, privileges, object_name FROM permission_changes")
    assert [(g[0], g[1], json.loads(g[2]), g[3]) for g in grants] == [("GRANT", ROLE, ["SELECT"], "public.materials")]
    logged = mysql_rows(
        gship,
        "SELECT source_database, target_table, SUM(rows_inserted), MIN(run_id), MAX(status) FROM audit_etl_sync_log "
        "GROUP BY 1, 2",
    )
    by_target = {(r[0], r[1]): int(r[2]) for r in logged}
    assert by_target[(erp_db, "system_audit_log")] == 3
    assert {r[3] for r in logged} == {"run-e2e"} and {r[4] for r in logged} == {"success"}
    assert verify_all(gship) == {t: [] for t in verify_all(gship)}

    again = ship_changes(gship, shorts=SHORTS)
    assert again.events_shipped == 0 and not again.tables


def test_transactions_committing_out_of_order_are_all_shipped(gship):
    """Long transactions take lower event ids and commit after later ones were shipped, while shippers run."""
    from genims_assets.audit.ship import ship_changes

    def add_centre(conn, name: str) -> None:
        with conn.cursor() as cur:
            cur.execute(
                "INSERT INTO cost_centers (cost_center_id, cost_center_code, cost_center_name) VALUES (%s, %s, %s)",
                (f"CC-{name}", f"CC{name}", f"centre {name}"),
            )

    long_a, long_b, short_c = pg(gship, "erp"), pg(gship, "erp"), pg(gship, "erp")
    add_centre(long_a, "a")  # lowest event id, commits last
    add_centre(long_b, "b")
    add_centre(short_c, "c")
    short_c.commit()
    first = ship_changes(gship, shorts=["erp"])
    assert first.events_shipped == 1

    stop, errors = threading.Event(), []

    def keep_shipping() -> None:  # two shippers at once, like overlapping runs
        while not stop.is_set():
            try:
                ship_changes(gship, shorts=["erp"])
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
                return

    shippers = [threading.Thread(target=keep_shipping) for _ in range(2)]
    for thread in shippers:
        thread.start()
    for i in range(40):
        add_centre(short_c, f"n{i}")
        short_c.commit()
        if i == 10:
            long_b.commit()
        if i == 30:
            long_a.commit()
    stop.set()
    for thread in shippers:
        thread.join(timeout=120)
    ship_changes(gship, shorts=["erp"])
    for conn in (long_a, long_b, short_c):
        conn.close()
    assert errors == []
    assert pending(gship, "erp") == []
    shipped = mysql_rows(
        gship,
        "SELECT primary_key_value, source_event_id FROM system_audit_log WHERE source_database = %s "
        "AND table_name = 'cost_centers' ORDER BY source_event_id",
        (gship.postgres.databases["erp"],),
    )
    keys = [r[0] for r in shipped]
    assert sorted(keys) == sorted(["CC-a", "CC-b", "CC-c", *(f"CC-n{i}" for i in range(40))])  # all, each once
    assert keys[:3] == ["CC-a", "CC-b", "CC-c"]  # the lowest ids, though a and b committed long after c shipped
    counts = mysql_rows(gship, "SELECT COUNT(*), MAX(audit_sequence) FROM system_audit_log")[0]
    assert counts[0] == counts[1]  # concurrent shippers left no sequence gap


KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from genims_assets.audit import ship
    from genims_assets.settings import Settings

    def die(cur, event_ids):
        os.kill(os.getpid(), signal.SIGKILL)  # after the MySQL commit, before the acknowledgement

    ship.acknowledge = die
    ship.ship_changes(Settings.from_env(), shorts=["supplier"])
    """
)


def test_run_killed_after_mysql_commit_leaves_no_duplicate_and_no_gap(gship):
    from genims_assets.audit.ship import ship_changes

    conn = pg(gship, "supplier")
    with conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO supplier_portal_users (portal_user_id, supplier_id, user_email, user_name, user_role) "
            "SELECT 'PU-' || g, 'SUP-1', 'u' || g || '@sup.example', 'User ' || g, 'viewer' "
            "FROM generate_series(1, 30) AS g"
        )
    with conn, conn.cursor() as cur:
        cur.execute(
            "UPDATE supplier_portal_users SET last_login = now(), login_count = 1 WHERE portal_user_id = 'PU-1'"
        )
    conn.close()
    queued = pending(gship, "supplier")
    assert len(queued) == 31

    before = mysql_rows(gship, "SELECT COUNT(*), MAX(audit_sequence) FROM system_audit_log")[0]
    child = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT],
        env={**gship_env(), "DATA_SYNC_BATCH_SIZE": "100"},
        timeout=300,
        capture_output=True,
        text=True,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    after_kill = mysql_rows(gship, "SELECT COUNT(*), MAX(audit_sequence) FROM system_audit_log")[0]
    assert after_kill[0] == before[0] + 31  # committed in MySQL ...
    assert pending(gship, "supplier") == queued  # ... but never acknowledged
    killed_log = mysql_rows(
        gship,
        "SELECT rows_inserted, sequence_to FROM audit_etl_sync_log WHERE target_table = 'system_audit_log' "
        "AND source_database = %s",
        (gship.postgres.databases["supplier"],),
    )
    assert killed_log == [(31, after_kill[1])]  # the sync-log row committed with its batch (one transaction)

    rerun = ship_changes(gship, shorts=["supplier"])
    assert rerun.events_shipped == 31
    assert rerun.tables["system_audit_log"].inserted == 0 and rerun.tables["system_audit_log"].duplicates == 31
    assert rerun.tables["login_audit"].inserted == 0 and rerun.tables["login_audit"].duplicates == 1
    assert pending(gship, "supplier") == []
    count, top = mysql_rows(gship, "SELECT COUNT(*), MAX(audit_sequence) FROM system_audit_log")[0]
    assert (count, top) == after_kill and count == top  # no duplicate, and sequences 1..n without a gap
    replay_log = mysql_rows(
        gship,
        "SELECT rows_inserted, rows_duplicate FROM audit_etl_sync_log WHERE target_table = 'system_audit_log' "
        "AND source_database = %s ORDER BY shipment_sequence DESC LIMIT 1",
        (gship.postgres.databases["supplier"],),
    )
    assert replay_log == [(0, 31)]
    assert verify_all(gship) == {t: [] for t in verify_all(gship)}


def test_malformed_event_is_kept_flagged_once_and_does_not_stop_the_others(gship):
    from genims_assets.audit.ship import WRITER, raise_security_events, ship_changes

    conn = pg(gship, "crm")
    with conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO genims_audit.change_queue (event_kind, schema_name, table_name, operation) "
            "VALUES ('row', 'public', 'accounts', 'INSERT') RETURNING event_id"
        )
        bad_id = cur.fetchone()[0]
        cur.execute("INSERT INTO accounts (account_id, account_number, account_name) VALUES ('ACC-OK', 'OK', 'fine')")
    conn.close()
    report = ship_changes(gship, shorts=["crm"])
    assert report.events_shipped == 2 and len(report.malformed) == 1 and f"event {bad_id}" in report.malformed[0]
    crm_db = gship.postgres.databases["crm"]
    kept = mysql_rows(
        gship,
        "SELECT status, new_values FROM system_audit_log WHERE source_database = %s AND source_event_id = %s",
        (crm_db, bad_id),
    )
    assert kept[0][0] == "malformed" and json.loads(kept[0][1])["event_id"] == bad_id
    statuses = mysql_rows(gship, "SELECT DISTINCT status FROM audit_etl_sync_log WHERE source_database = %s", (crm_db,))
    assert ("partial",) in statuses

    event = {"event_id": bad_id, "table_name": "accounts"}
    problem = f"event {bad_id}: INSERT row event without new_row"
    assert raise_security_events(gship, crm_db, [event], {bad_id: problem}) == []  # recorded once already
    dagster = psycopg2.connect(dbname=gship.dagster_database, host=gship.postgres.host, user=gship.postgres.user)
    with dagster, dagster.cursor() as cur:
        cur.execute(
            "SELECT payload FROM genims_audit.platform_outbox WHERE target_table = 'security_events' AND producer = %s",
            (WRITER,),
        )
        payloads = [r[0] for r in cur.fetchall()]
    dagster.close()
    assert len(payloads) == 1 and payloads[0]["details"]["source_event_id"] == bad_id
    assert payloads[0]["event_type"] == "malformed_audit_event" and payloads[0]["severity"] == "high"


def test_prune_deletes_only_shipped_rows_confirmed_in_mysql(gship):
    from genims_assets.audit.ship import prune_shipped

    conn = pg(gship, "erp")
    with conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO genims_audit.change_queue (event_kind, table_name, operation, new_row, shipped_at) "
            "VALUES ('row', 'materials', 'INSERT', '{}', now() - interval '1 day') RETURNING event_id"
        )
        ghost = cur.fetchone()[0]  # marked shipped but never in MySQL: must be kept and named
        cur.execute(
            "INSERT INTO cost_centers (cost_center_id, cost_center_code, cost_center_name) "
            "VALUES ('CC-p', 'CCp', 'pending')"
        )
        cur.execute("SELECT count(*) FROM genims_audit.change_queue WHERE shipped_at IS NOT NULL")
        shipped_before = cur.fetchone()[0]
    kept_recent = prune_shipped(gship, timedelta(days=7), shorts=["erp"])["erp"]
    assert kept_recent.deleted == 0 and kept_recent.unconfirmed == []
    result = prune_shipped(gship, timedelta(0), shorts=["erp"])["erp"]
    assert result.unconfirmed == [ghost]
    assert result.deleted == shipped_before - 1
    with conn, conn.cursor() as cur:
        cur.execute("SELECT event_id, shipped_at IS NULL FROM genims_audit.change_queue ORDER BY 1")
        left = cur.fetchall()
    conn.close()
    assert left[0] == (ghost, False) and [r[1] for r in left[1:]] == [True]


def test_commands_ship_and_status(gship):
    from genims_assets.audit.ship import ship_command, status_command

    runner = CliRunner()
    env = {k: v for k, v in gship_env().items() if k.startswith(("POSTGRES_", "MYSQL_", "DAGSTER_", "DATA_"))}
    status = runner.invoke(status_command, [], env=env)
    assert status.exit_code == 0, status.output
    erp_line = next(line for line in status.output.splitlines() if line.startswith(gship.postgres.databases["erp"]))
    assert "1 pending" in erp_line
    lines = {line.split()[0]: line for line in status.output.splitlines() if line.startswith(PREFIX)}
    assert "no audit queue" in lines[gship.postgres.databases["hcm"]]
    assert (
        "unreachable" in lines[gship.postgres.databases["mes"]]
        and "does not exist" in lines[gship.postgres.databases["mes"]]
    )
    shipped = runner.invoke(ship_command, ["--database", "erp", "--day", datetime.now(UTC).date().isoformat()], env=env)
    assert shipped.exit_code == 0, shipped.output
    assert "1 events in 1 batches" in shipped.output and "system_audit_log" in shipped.output
    assert pending(gship, "erp") == []
    bad = runner.invoke(ship_command, ["--day", "24/11/2026"], env=env)
    assert bad.exit_code == 2 and "use YYYY-MM-DD" in bad.output
    unknown = runner.invoke(ship_command, ["--database", "nope"], env=env)
    assert unknown.exit_code == 1 and "unknown source database(s) nope" in unknown.output


def test_a_failed_batch_stays_pending_is_logged_and_other_databases_still_ship(gship, monkeypatch):
    from genims_assets.audit import ship
    from genims_assets.audit.store import StoreError

    real_store = ship.store_batch

    def refusing_store(settings, rows_by_table, writer, conn=None, **follow_up):
        if "system_audit_log" in rows_by_table and "materials" in table_names(rows_by_table["system_audit_log"]):
            raise StoreError("system_audit_log: MySQL took 0 of 1 rows (simulated refusal)")
        return real_store(settings, rows_by_table, writer, conn=conn, **follow_up)

    monkeypatch.setattr(ship, "store_batch", refusing_store)
    erp, crm = pg(gship, "erp"), pg(gship, "crm")
    with erp, erp.cursor() as cur:
        cur.execute(
            "INSERT INTO materials (material_id, material_code, material_name, material_type, base_unit_of_measure) "
            "VALUES ('MAT-F', 'MF', 'Refused', 'raw', 'KG')"
        )
    with crm, crm.cursor() as cur:
        cur.execute("INSERT INTO accounts (account_id, account_number, account_name) VALUES ('ACC-F', 'F', 'fine')")
    erp.close()
    crm.close()
    waiting = pending(gship, "erp")
    report = ship.ship_changes(gship, shorts=["erp", "crm"], run_id="run-fail")
    assert len(report.errors) == 1 and report.errors[0].startswith(gship.postgres.databases["erp"])
    assert "stay pending" in report.errors[0] and "simulated refusal" in report.errors[0]
    assert pending(gship, "erp") == waiting  # nothing of the refused batch was acknowledged
    assert pending(gship, "crm") == [] and report.databases["crm"].events_shipped == 1
    failed = mysql_rows(
        gship,
        "SELECT status, target_table, rows_read FROM audit_etl_sync_log "
        "WHERE run_id = 'run-fail' AND status = 'failed'",
    )
    assert failed == [("failed", "(batch)", len(waiting))]
    monkeypatch.undo()
    assert ship.ship_changes(gship, shorts=["erp"]).events_shipped == len(waiting)


def test_two_worker_processes_ship_a_backlog_once_without_gaps(gship):
    from genims_assets.audit.ship import ship_changes

    conn = pg(gship, "erp")
    with conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO cost_centers (cost_center_id, cost_center_code, cost_center_name) "
            "SELECT 'CW-' || g, 'CW' || g, 'backlog ' || g FROM generate_series(1, 400) AS g"
        )
    conn.close()
    backlog = pending(gship, "erp")
    assert len(backlog) == 401  # 400 row events and the statement's bulk event
    report = ship_changes(gship, shorts=["erp"], workers=2)  # batches of 50: the two processes share them
    assert report.events_shipped == 401 and not report.errors
    assert report.databases["erp"].batches >= 9
    assert pending(gship, "erp") == []
    rows = mysql_rows(
        gship,
        "SELECT COUNT(*), COUNT(DISTINCT source_event_id) FROM system_audit_log "
        "WHERE source_database = %s AND primary_key_value LIKE 'CW-%%'",
        (gship.postgres.databases["erp"],),
    )
    assert rows == [(400, 400)]
    count, top = mysql_rows(gship, "SELECT COUNT(*), MAX(audit_sequence) FROM system_audit_log")[0]
    assert count == top
    assert report.tables["system_audit_log"].inserted == 400


def _queue_cost_centers(settings: Settings, prefix: str, count: int) -> list[int]:
    """`count` single-row INSERTs (one event each) into erp.cost_centers; the pending event ids after them."""
    conn = pg(settings, "erp")
    with conn, conn.cursor() as cur:
        for i in range(count):
            cur.execute(
                "INSERT INTO cost_centers (cost_center_id, cost_center_code, cost_center_name) VALUES (%s, %s, %s)",
                (f"{prefix}-{i}", f"{prefix}{i}", "pipelined"),
            )
    conn.close()
    return pending(settings, "erp")


def test_the_next_batch_is_claimed_while_one_is_written_and_each_is_acknowledged_after_its_commit(gship, monkeypatch):
    from genims_assets.audit import ship

    waiting = _queue_cost_centers(gship, "PL", 120)  # batches of 50: 50, 50, 20
    log: list[tuple[str, int]] = []
    second_claimed = threading.Event()
    real_claim, real_store, real_ack = ship.claim_events, ship.store_batch, ship.acknowledge

    def claim(cur, database, day, limit):
        events = real_claim(cur, database, day, limit)
        log.append(("claim", len(events)))
        if sum(1 for step, _ in log if step == "claim") == 2:
            second_claimed.set()
        return events

    def store(settings, rows_by_table, writer, conn=None, **follow_up):
        batch = len(rows_by_table["system_audit_log"])
        if not [step for step, _ in log if step == "commit"]:  # batch 1 waits until batch 2 is claimed beside it
            assert second_claimed.wait(timeout=60), "batch 2 was not claimed while batch 1 was being written"
        writes = real_store(settings, rows_by_table, writer, conn=conn, **follow_up)
        log.append(("commit", batch))
        intervals.append(sys.getswitchinterval())
        return writes

    def acknowledge(cur, event_ids):
        log.append(("ack", len(event_ids)))
        real_ack(cur, event_ids)

    monkeypatch.setattr(ship, "claim_events", claim)
    monkeypatch.setattr(ship, "store_batch", store)
    monkeypatch.setattr(ship, "acknowledge", acknowledge)
    intervals: list[float] = []
    before = sys.getswitchinterval()
    report = ship.ship_changes(gship, shorts=["erp"])
    assert report.events_shipped == len(waiting) == 120 and report.databases["erp"].batches == 3
    # the thread that talks to the servers gets the GIL back quickly while the claim thread computes, and the
    # process's own switch interval is back afterwards
    assert intervals == [ship.SHIPPING_SWITCH_INTERVAL] * 3 and sys.getswitchinterval() == before > intervals[0]
    commits_and_acks = [entry for entry in log if entry[0] != "claim"]
    assert commits_and_acks == [("commit", 50), ("ack", 50), ("commit", 50), ("ack", 50), ("commit", 20), ("ack", 20)]
    assert log.index(("claim", 50), 1) < log.index(("ack", 50))  # batch 2 was claimed before batch 1's ack
    assert pending(gship, "erp") == []
    count, top = mysql_rows(gship, "SELECT COUNT(*), MAX(audit_sequence) FROM system_audit_log")[0]
    assert count == top
    assert verify_all(gship) == {t: [] for t in verify_all(gship)}


def test_shippers_side_by_side_keep_the_short_switch_interval_until_the_last_is_done():
    from genims_assets.audit import ship

    before = sys.getswitchinterval()
    first, second = ship._quick_gil_handover(), ship._quick_gil_handover()
    first.__enter__()
    second.__enter__()  # a second shipper thread starts while the first ships
    first.__exit__(None, None, None)  # the first ends before the second
    during = sys.getswitchinterval()
    second.__exit__(None, None, None)
    assert during == ship.SHIPPING_SWITCH_INTERVAL < before == sys.getswitchinterval()


def test_a_failed_batch_releases_the_batch_claimed_beside_it_and_a_rerun_ships_everything_once(gship, monkeypatch):
    from genims_assets.audit import ship
    from genims_assets.audit.store import StoreError

    waiting = _queue_cost_centers(gship, "PF", 120)
    calls = []
    real_store = ship.store_batch

    def second_batch_refused(settings, rows_by_table, writer, conn=None, **follow_up):
        if "system_audit_log" in rows_by_table:
            calls.append(len(rows_by_table["system_audit_log"]))
            if len(calls) == 2:
                raise StoreError("system_audit_log: MySQL took 0 of 50 rows (simulated refusal)")
        return real_store(settings, rows_by_table, writer, conn=conn, **follow_up)

    monkeypatch.setattr(ship, "store_batch", second_batch_refused)
    report = ship.ship_changes(gship, shorts=["erp"])
    assert report.errors and "simulated refusal" in report.errors[0]
    assert report.databases["erp"].events_shipped == 50
    assert pending(gship, "erp") == waiting[50:]  # batch 2 and the batch 3 claimed beside it stay pending
    monkeypatch.undo()
    assert ship.ship_changes(gship, shorts=["erp"]).events_shipped == 70
    assert pending(gship, "erp") == []
    shipped = mysql_rows(
        gship,
        "SELECT COUNT(*), COUNT(DISTINCT source_event_id) FROM system_audit_log WHERE primary_key_value LIKE 'PF-%%'",
    )
    assert shipped == [(120, 120)]
    count, top = mysql_rows(gship, "SELECT COUNT(*), MAX(audit_sequence) FROM system_audit_log")[0]
    assert count == top
