"""`genims audit verify` against a real audit store (MariaDB) and real source queues and outbox (PostgreSQL).

Proves: a clean store passes and the result is itself recorded (integrity_verification_log, one row per table;
audit_trail_completeness per source table and day); a row altered as root fails naming its sequence, on the
command line too, and raises a security event; a deleted row is a gap; a chain rewritten consistently inside
MySQL passes the recomputation but not the head kept outside MySQL; a shipped event missing from MySQL is
reported; `--since` starts the check at that day; an archived (purged) range anchors the chain.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from genims_assets.audit import outbox
from genims_assets.audit.accounts import apply_guard
from genims_assets.audit.outbox_ship import external_heads, ship_outbox, store_batch
from genims_assets.audit.store import connect_store, row_hash, write_batch
from genims_assets.audit.verify import verify_audit, verify_table
from genims_assets.connections import mysql_connect, postgres_connect
from genims_assets.settings import Settings
from genims_assets_tests.conftest import genims
from genims_assets_tests.test_audit_store import (
    access_rows,
    admin_sql,
    change_rows,
    clean_platform,
    gstore_env,
    gstore_platform,
    job_rows,
    postgres_sql,
    stored_rows,
)

TAG = "verify"
QUEUE = """
CREATE SCHEMA genims_audit;
CREATE TABLE genims_audit.change_queue (
    event_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_time timestamptz NOT NULL DEFAULT clock_timestamp(),
    txid bigint NOT NULL DEFAULT txid_current(),
    event_kind text NOT NULL,
    schema_name text,
    table_name text,
    operation text NOT NULL,
    shipped_at timestamptz NULL
);
"""


@pytest.fixture(scope="module")
def platform() -> Iterator[Settings]:
    with gstore_platform(TAG) as settings:
        yield settings


@pytest.fixture
def store(platform: Settings) -> Settings:
    """A filled, consistent store: change events of a source queue shipped, outbox events shipped."""
    clean_platform(platform)
    apply_guard_as_admin(platform)  # undo a previous test's attacker
    crm = platform.postgres.databases["crm"]
    postgres_sql(platform, f'DROP DATABASE IF EXISTS "{crm}" WITH (FORCE)')
    postgres_sql(platform, f'CREATE DATABASE "{crm}"')
    postgres_sql(platform, QUEUE, crm)
    ship_source_events(platform, [("row", "customers", "UPDATE")] * 12 + [("ddl", None, "ALTER TABLE")] * 2)
    now = datetime.now(UTC)
    outbox.record(platform, "data_access_log", access_rows(3, now), producer="t")
    outbox.record(platform, "job_execution_audit", job_rows(2, now), producer="t")
    ship_outbox(platform)
    return platform


def apply_guard_as_admin(settings: Settings) -> None:
    conn = mysql_connect(settings.admin_target(settings.audit), autocommit=True)
    try:
        with conn.cursor() as cur:
            apply_guard(cur, settings.audit.database)
    finally:
        conn.close()


def queue(settings: Settings, statement: str, params: tuple = ()) -> list[tuple]:
    conn = postgres_connect(settings.postgres, settings.postgres.databases["crm"])
    try:
        with conn, conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall() if cur.description else []
    finally:
        conn.close()


def ship_source_events(settings: Settings, events: list[tuple], when: datetime | None = None) -> list[int]:
    """Queue events in the crm source database, write their audit rows, mark them shipped (as a shipper does)."""
    database = settings.postgres.databases["crm"]
    when = when or datetime.now(UTC)
    ids = []
    for kind, table, operation in events:
        ids += [
            r[0]
            for r in queue(
                settings,
                "INSERT INTO genims_audit.change_queue (event_time, event_kind, table_name, operation) "
                "VALUES (%s, %s, %s, %s) RETURNING event_id",
                (when, kind, table, operation),
            )
        ]
    rows: dict[str, list[dict]] = {"system_audit_log": [], "database_changes": []}
    for event_id, (kind, table, operation) in zip(ids, events, strict=True):
        if kind == "row":
            row = change_rows(event_id, 1, database, when.replace(tzinfo=None))[0]
            rows["system_audit_log"].append(row | {"table_name": table, "operation": operation})
        else:
            rows["database_changes"].append(
                {"change_timestamp": when, "source_database": database, "source_event_id": event_id,
                 "operation": "DDL", "command_tag": operation}
            )  # fmt: skip
    store_batch(settings, rows, "test-shipper")
    queue(settings, "UPDATE genims_audit.change_queue SET shipped_at = now() WHERE event_id = ANY(%s)", (ids,))
    return ids


def attack(settings: Settings, *statements: str, params: tuple | None = None) -> None:
    """What an attacker with root does: drop the guard, change rows."""
    admin_sql(
        settings,
        "DROP TRIGGER IF EXISTS system_audit_log_no_update",
        "DROP TRIGGER IF EXISTS system_audit_log_no_delete",
        database=settings.audit.database,
    )
    admin_sql(settings, *statements, params=params, database=settings.audit.database)


def result(report, table: str):
    return next(t for t in report.tables if t.table == table)


def test_a_clean_store_passes_and_the_result_is_recorded(store):
    report = verify_audit(store)
    assert report.ok, [t.problems for t in report.tables if t.problems] + report.errors
    assert len(report.tables) == 29 and all(t.result == "pass" for t in report.tables)
    log = result(report, "system_audit_log")
    assert (log.rows_checked, log.sequence_from, log.sequence_to, log.head_matches_external) == (12, 1, 12, True)
    crm = store.postgres.databases["crm"]
    by_source = {(c.source_database, c.source_table, c.audit_table): c for c in report.completeness}
    assert len(by_source[(crm, "customers", "system_audit_log")].received) == 12
    assert len(by_source[(crm, "change_queue", "database_changes")].received) == 2
    assert by_source[(store.dagster_database, "platform_outbox", "job_execution_audit")].status == "complete"
    assert any("no such database" in s for s in report.skipped_sources)
    recorded = admin_sql(
        store,
        "SELECT result, COUNT(*) FROM integrity_verification_log WHERE verification_id = %s GROUP BY result",
        params=(report.verification_id,),
        database=store.audit.database,
    )
    assert recorded == [("pass", 29)]
    completeness = admin_sql(
        store, "SELECT status, COUNT(*) FROM audit_trail_completeness GROUP BY status", database=store.audit.database
    )
    assert completeness == [("complete", len(report.completeness))]
    assert stored_rows(store, "security_events") == []
    assert verify_audit(store).ok  # the verifier's own, chained records verify too


def test_a_row_altered_as_root_fails_naming_its_sequence(store):
    attack(store, "UPDATE system_audit_log SET user_id = 'mallory' WHERE audit_sequence = 7")
    log = result(verify_audit(store, tables=["system_audit_log"]), "system_audit_log")
    assert not log.ok and log.first_broken_sequence == 7 and log.broken_links == 1
    assert "hash chain broken at sequence 7" in log.problems[0] and log.actual_hash in log.problems[0]
    cli = genims("audit", "verify", "--table", "system_audit_log", env=gstore_env_of(store))
    assert cli.returncode == 1, cli.stdout + cli.stderr
    assert "FAIL  system_audit_log" in cli.stdout and "hash chain broken at sequence 7" in cli.stdout
    assert "verify: FAILED" in cli.stderr
    events = stored_rows(store, "security_events")
    assert {(e["event_type"], e["related_sequence"], e["table_name"]) for e in events} == {
        ("hash_chain_broken", 7, "system_audit_log")
    }
    failed = admin_sql(
        store,
        "SELECT DISTINCT first_broken_sequence FROM integrity_verification_log "
        "WHERE table_name = 'system_audit_log' AND result = 'fail'",
        database=store.audit.database,
    )
    assert failed == [(7,)]


def gstore_env_of(settings: Settings) -> dict[str, str]:
    """The environment that makes `genims` see this platform (the accounts' passwords included)."""
    env = gstore_env(TAG)
    for account in settings.audit_accounts():
        env[account.password_variable] = account.password.reveal()
    return env


def test_a_deleted_row_is_a_gap_and_a_missing_event(store):
    deleted = admin_sql(
        store, "SELECT source_event_id FROM system_audit_log WHERE audit_sequence = 5", database=store.audit.database
    )[0][0]
    attack(store, "DELETE FROM system_audit_log WHERE audit_sequence = 5")
    report = verify_audit(store, tables=["system_audit_log"])
    log = result(report, "system_audit_log")
    assert log.gaps == [(5, 5)] and "1 sequence number(s) missing, first 5..5" in log.problems[0]
    assert log.first_broken_sequence == 6  # the chain proves it too
    gaps = [c for c in report.completeness if c.status == "gaps"]
    assert [(c.audit_table, c.missing) for c in gaps] == [("system_audit_log", [(deleted, deleted)])]
    assert not report.ok


def test_a_chain_rewritten_inside_mysql_is_caught_by_the_head_kept_outside(store):
    rows = stored_rows(store, "system_audit_log")
    previous = rows[1]["row_hash"]
    statements = []
    for row in rows[2:]:  # rewrite from sequence 3 on, recomputing every later hash: a consistent chain
        if row["audit_sequence"] == 3:
            row["user_id"] = "mallory"
        row["row_hash"] = previous = row_hash(previous, "system_audit_log", row)
        statements.append((row["user_id"], row["row_hash"], row["audit_sequence"]))
    conn = mysql_connect(store.admin_target(store.audit), autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute("DROP TRIGGER system_audit_log_no_update")
            cur.executemany(
                "UPDATE system_audit_log SET user_id = %s, row_hash = %s WHERE audit_sequence = %s", statements
            )
            cur.execute(
                "UPDATE audit_sequence_manager SET last_row_hash = %s WHERE table_name = 'system_audit_log'",
                (previous,),
            )
    finally:
        conn.close()
    conn = mysql_connect(store.audit)
    try:
        inside_only = verify_table(conn, "system_audit_log")
        with_head = verify_table(conn, "system_audit_log", external_head=external_heads(store)["system_audit_log"])
    finally:
        conn.close()
    assert inside_only.ok  # the recomputation alone cannot tell
    assert not with_head.ok and with_head.head_matches_external is False
    assert "chain rewritten: row 12" in with_head.problems[0]
    assert not verify_audit(store, tables=["system_audit_log"]).ok


def test_shipped_events_missing_from_mysql_are_reported(store):
    ghost = queue(
        store,
        "INSERT INTO genims_audit.change_queue (event_kind, table_name, operation, shipped_at) "
        "VALUES ('row', 'customers', 'DELETE', now()) RETURNING event_id",
    )[0][0]
    lost = outbox.record(store, "data_access_log", access_rows(1, datetime.now(UTC)), producer="t")[0]
    postgres_sql(
        store,
        f"UPDATE genims_audit.platform_outbox SET shipped_at = now() WHERE event_id = {lost}",
        store.dagster_database,
    )
    report = verify_audit(store)
    missing = {(c.audit_table, tuple(c.missing)) for c in report.completeness if c.status == "gaps"}
    assert missing == {("system_audit_log", ((ghost, ghost),)), ("data_access_log", ((lost, lost),))}
    assert not report.ok and all(t.ok for t in report.tables)
    recorded = admin_sql(
        store,
        "SELECT audit_table, missing_count, status FROM audit_trail_completeness WHERE status = 'gaps' ORDER BY 1",
        database=store.audit.database,
    )
    assert recorded == [("data_access_log", 1, "gaps"), ("system_audit_log", 1, "gaps")]
    events = {e["event_type"] for e in stored_rows(store, "security_events")}
    assert events == {"audit_events_missing"}


def test_since_starts_the_check_at_that_day(store):
    old = datetime.now(UTC) - timedelta(days=10)
    ids = ship_source_events(store, [("row", "contacts", "INSERT")] * 3, when=old)
    attack(store, "UPDATE system_audit_log SET user_id = 'mallory' WHERE source_event_id = %s", params=(ids[0],))
    conn = mysql_connect(store.audit)
    try:
        recent = verify_table(conn, "system_audit_log", since=datetime.now(UTC).date())
        everything = verify_table(conn, "system_audit_log")
    finally:
        conn.close()
    # The old rows came last (sequences 13-15), so "since today" starts at 1 and still reaches them.
    assert not recent.ok and recent.first_broken_sequence == 13
    later = datetime.now(UTC).date() + timedelta(days=1)
    conn = mysql_connect(store.audit)
    try:
        assert verify_table(conn, "system_audit_log", since=later).rows_checked == 0
    finally:
        conn.close()
    assert everything.first_broken_sequence == 13 and everything.rows_checked == 15


def test_an_archived_range_anchors_the_chain_after_a_purge(store):
    rows = stored_rows(store, "system_audit_log")
    attack(store, "DELETE FROM system_audit_log WHERE audit_sequence <= 4")
    conn = mysql_connect(store.audit)
    try:
        unexplained = verify_table(conn, "system_audit_log")
    finally:
        conn.close()
    assert unexplained.gaps == [(1, 4)] and not unexplained.ok
    manifest = {
        "archive_timestamp": datetime.now(UTC),
        "archive_id": "A-1",
        "database_name": store.audit.database,
        "table_name": "system_audit_log",
        "rows_archived": 4,
        "first_sequence": 1,
        "last_sequence": 4,
        "last_row_hash": rows[3]["row_hash"],
        "storage_location": "https://example.invalid/archive/A-1.csv.gz",
        "checksum_sha256": "0" * 64,
    }
    connection = connect_store(store)
    try:
        write_batch(connection, {"archive_manifest": [manifest]}, "retention")
    finally:
        connection.close()
    conn = mysql_connect(store.audit)
    try:
        anchored = verify_table(conn, "system_audit_log")
    finally:
        conn.close()
    assert anchored.ok and anchored.archived == [(1, 4)] and anchored.rows_checked == 8


def test_an_unknown_table_is_refused_by_the_command(store):
    cli = genims("audit", "verify", "--table", "no_such_table", env=gstore_env_of(store))
    assert cli.returncode == 2 and "'no_such_table' is not an audit table" in cli.stderr


def test_the_command_passes_on_a_clean_store(store):
    cli = genims("audit", "verify", "--since", datetime.now(UTC).date().isoformat(), env=gstore_env_of(store))
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert cli.stdout.count("  ok    ") == 29 and "the audit store is complete and unaltered" in cli.stdout
