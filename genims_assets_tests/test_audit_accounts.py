"""Append-only accounts and guard triggers on a real MariaDB, and the settings behind them.

Proves: the shipper is refused UPDATE, DELETE, TRUNCATE, ALTER TABLE ... DROP PARTITION and DROP TABLE on an
audit table (and the reader INSERT), while it can write through the store and move its counter; even root is
refused UPDATE and DELETE by the triggers, naming the table; the retention account cannot TRUNCATE, DROP or ALTER
an audit table and changes partitions only through the two procedures, which refuse a recent partition, pmax,
another table, an unarchived or mismatching archive and an active legal hold, and drop an expired archived
partition once its hold is released; grants are exact (an extra one is revoked and reported, `genims verify`
names it first); a dropped or weakened procedure is reported and put back with its grant; re-running keeps the
accounts, updates a changed password and reports no change otherwise; empty passwords are refused by setup
before anything is built; a tampered trigger is reported and put back; the new settings variables are
validated.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime

import pymysql
import pytest

from genims_assets.audit.accounts import (
    AccountError,
    account_problems,
    admin_connect,
    apply_guard,
    audit_security_problems,
    can_log_in,
    ensure_accounts,
    guard_problems,
    guard_triggers,
    require_passwords,
    shadowing_warnings,
)
from genims_assets.audit.partition_guard import DROP, SPLIT
from genims_assets.audit.store import connect_store, write_batch
from genims_assets.audit.tables import audit_tables
from genims_assets.connections import mysql_connect
from genims_assets.mysql_partitions import partitions
from genims_assets.settings import Secret, Settings, SettingsError
from genims_assets_tests.conftest import genims
from genims_assets_tests.test_audit_store import admin_sql, change_rows, gstore_platform

DENIED = 1142  # "<command> denied to user"


@pytest.fixture(scope="module")
def platform() -> Iterator[Settings]:
    with gstore_platform("acct") as settings:
        store_rows(settings, {"system_audit_log": change_rows(1, 5)})
        yield settings


def store_rows(settings: Settings, rows_by_table: dict) -> dict:
    """Write audit rows through the store, the one insert path (as the shipper); what write_batch reports."""
    conn = connect_store(settings)
    try:
        return write_batch(conn, rows_by_table, "t")
    finally:
        conn.close()


def as_account(settings: Settings, role: str):
    account = {a.role: a for a in settings.audit_accounts()}[role]
    return mysql_connect(settings.audit.as_account(account), autocommit=True)


def refused(conn, statement: str) -> tuple[int, str]:
    with conn.cursor() as cur, pytest.raises(pymysql.err.MySQLError) as error:
        cur.execute(statement)
    return error.value.args[0], error.value.args[1]


def oldest_partition(settings: Settings) -> str:
    conn = admin_connect(settings, settings.audit.database)
    try:
        with conn.cursor() as cur:
            return partitions(cur, settings.audit.database, "login_audit")[0].name
    finally:
        conn.close()


def test_the_shipper_can_only_add_rows(platform):
    conn = as_account(platform, "shipper")
    try:
        partition = oldest_partition(platform)
        for statement, command in (
            ("UPDATE system_audit_log SET user_id = 'x' WHERE audit_sequence = 1", "UPDATE command denied"),
            ("DELETE FROM system_audit_log WHERE audit_sequence = 1", "DELETE command denied"),
            ("TRUNCATE TABLE system_audit_log", "DROP command denied"),
            (f"ALTER TABLE system_audit_log DROP PARTITION {partition}", "command denied"),
            (f"ALTER TABLE system_audit_log TRUNCATE PARTITION {partition}", "command denied"),
            ("DROP TABLE system_audit_log", "DROP command denied"),
            ("DELETE FROM audit_sequence_manager", "DELETE command denied"),
            (f"DROP DATABASE {platform.audit.database}", "Access denied"),
        ):
            code, message = refused(conn, statement)
            assert code in (DENIED, 1044) and command in message, (statement, message)
        with conn.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM system_audit_log")
            assert cur.fetchone()[0] == 5
            # Its one UPDATE right: the counters (write_batch moves them inside its transaction).
            cur.execute("UPDATE audit_sequence_manager SET last_assigned_by = 'shipper' WHERE table_name = 'x'")
    finally:
        conn.close()


def test_the_guard_triggers_refuse_even_root_naming_the_table(platform):
    for statement, operation in (
        ("UPDATE system_audit_log SET user_id = 'root was here' WHERE audit_sequence = 2", "UPDATE"),
        ("DELETE FROM system_audit_log WHERE audit_sequence = 2", "DELETE"),
    ):
        with pytest.raises(pymysql.err.MySQLError) as error:
            admin_sql(platform, statement, database=platform.audit.database)
        assert error.value.args[1] == f"system_audit_log is append-only: {operation} refused"
    assert admin_sql(
        platform, "SELECT user_id FROM system_audit_log WHERE audit_sequence = 2", database=platform.audit.database
    ) == [("u.smith",)]


def test_the_reader_only_reads(platform):
    reader = as_account(platform, "reader")
    try:
        assert refused(reader, "INSERT INTO legal_hold_tracking (hold_event_sequence) VALUES (1)")[0] == DENIED
        assert refused(reader, "UPDATE audit_sequence_manager SET last_sequence = 0")[0] == DENIED
        with reader.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM system_audit_log")
            assert cur.fetchone()[0] == 5
    finally:
        reader.close()


def call_refused(conn, procedure: str, *args) -> str:
    """The message of a procedure call the procedure itself refuses (SIGNAL SQLSTATE '45000': error 1644)."""
    with conn.cursor() as cur, pytest.raises(pymysql.err.MySQLError) as error:
        cur.execute(f"CALL {procedure}({', '.join(['%s'] * len(args))})", args)
    assert error.value.args[0] == 1644, error.value.args
    assert len(error.value.args[1]) <= 128  # what MySQL 8 allows in MESSAGE_TEXT
    return error.value.args[1]


def test_the_retention_account_changes_partitions_only_through_the_checked_procedures(platform):
    retention = as_account(platform, "retention")
    first = oldest_partition(platform)
    try:
        for statement in (
            "UPDATE system_audit_log SET user_id = 'x'",
            "DELETE FROM system_audit_log",
            "UPDATE audit_sequence_manager SET last_sequence = 0",
            "TRUNCATE TABLE system_audit_log",
            f"ALTER TABLE system_audit_log DROP PARTITION {first}",
            f"ALTER TABLE system_audit_log TRUNCATE PARTITION {first}",
            "ALTER TABLE system_audit_log MODIFY user_id VARCHAR(1)",
            "DROP TABLE system_audit_log",
            "INSERT INTO legal_hold_tracking (hold_event_sequence) VALUES (1)",
        ):
            assert refused(retention, statement)[0] == DENIED, statement
        assert refused(retention, f"DROP DATABASE {platform.audit.database}")[0] in (DENIED, 1044)

        # Three rows of March 2018 (7 years back): the split procedure gives them their month's partition.
        old = store_rows(platform, {"system_audit_log": change_rows(100, 3, when=datetime(2018, 3, 10))})
        first_seq, last_seq = old["system_audit_log"].sequence_from, old["system_audit_log"].sequence_to
        with retention.cursor() as cur:
            cur.execute(f"CALL {SPLIT}(%s, %s, %s, %s)", ("system_audit_log", first, "p201803", date(2018, 4, 1)))
        assert [p.name for p in _partitions(platform, "system_audit_log")][:2] == ["p201803", first]
        assert admin_sql(platform, "SELECT COUNT(*) FROM system_audit_log PARTITION (p201803)",
                         database=platform.audit.database) == [(3,)]  # fmt: skip

        refusals = {
            (DROP, "system_audit_log", first, None): f"inside the {platform.backup_audit_retention_days}-day retention",
            (DROP, "system_audit_log", "pmax", None): "never the catch-all pmax",
            (DROP, "audit_sequence_manager", "p201803", None): "audit_sequence_manager is not an audit table",
            (DROP, "system_audit_log`; DROP TABLE login_audit; --", "p201803", None): "is not an audit table",
            (SPLIT, "system_audit_log", "pmax", "p20991", date(2099, 1, 1)): "partition names must be pYYYYMM",
            (SPLIT, "system_audit_log", "pmax`; DROP TABLE login_audit; --", "p209901", date(2099, 2, 1)): "pYYYYMM",
            (DROP, "system_audit_log", "p201803`; DROP TABLE login_audit; --", None): "only a monthly partition",
            (DROP, "system_audit_log", "p201803", "AR-none"): f"system_audit_log p201803: 3 rows ({first_seq}.."
            f"{last_seq}) match no verified archive_manifest row of archive AR-none",
        }
        for (procedure, *args), expected in refusals.items():
            assert expected in call_refused(retention, procedure, *args), (procedure, args)

        # A manifest that does not match the partition's rows does not count; one that does, does.
        manifest = {
            "archive_timestamp": datetime(2026, 1, 5), "database_name": platform.audit.database,
            "table_name": "system_audit_log", "partition_name": "p201803", "first_sequence": first_seq,
            "last_sequence": last_seq, "storage_location": "https://example.invalid/a", "checksum_sha256": "0" * 64,
            "verified": 1,
        }  # fmt: skip
        hold = {"case_reference": "CASE-1", "scope_tables": [f"{platform.audit.database}.system_audit_log"],
                "date_from": date(2018, 3, 1), "date_to": None}  # fmt: skip
        store_rows(platform, {
            "archive_manifest": [{**manifest, "archive_id": "AR-short", "rows_archived": 2},
                                 {**manifest, "archive_id": "AR-full", "rows_archived": 3}],
            "legal_hold_tracking": [{**hold, "hold_id": "LH-1", "event_type": "placed", "status": "active",
                                     "event_timestamp": datetime(2026, 1, 1)}],
        })  # fmt: skip
        assert "no verified archive_manifest row of archive AR-short" in call_refused(
            retention, DROP, "system_audit_log", "p201803", "AR-short"
        )
        assert "legal hold(s) LH-1 cover system_audit_log p201803" in call_refused(
            retention, DROP, "system_audit_log", "p201803", "AR-full"
        )
        released = {**hold, "hold_id": "LH-1", "event_type": "released", "status": "released",
                    "event_timestamp": datetime(2026, 2, 1)}  # fmt: skip
        store_rows(platform, {"legal_hold_tracking": [released]})
        with retention.cursor() as cur:
            cur.execute(f"CALL {DROP}(%s, %s, %s)", ("system_audit_log", "p201803", "AR-full"))
    finally:
        retention.close()
    assert "p201803" not in {p.name for p in _partitions(platform, "system_audit_log")}
    assert admin_sql(platform, "SELECT COUNT(*) FROM system_audit_log", database=platform.audit.database) == [(5,)]


def _partitions(settings: Settings, table: str):
    conn = admin_connect(settings, settings.audit.database)
    try:
        with conn.cursor() as cur:
            return partitions(cur, settings.audit.database, table)
    finally:
        conn.close()


def test_grants_are_exact_and_an_extra_one_is_revoked(platform):
    shipper = platform.audit.user
    admin_sql(platform, f"GRANT DELETE ON `{platform.audit.database}`.* TO %s@'%%'", params=(shipper,))
    admin_sql(platform, "GRANT PROCESS ON *.* TO %s@'%%'", params=(shipper,))
    problems = audit_security_problems(platform)
    # Granted on the unescaped name, a pattern whose '_' matches any character: another grant, so an extra one.
    assert f"{shipper} has DELETE on `{platform.audit.database}`.*, more than its role allows" in problems
    assert f"{shipper} has PROCESS on *.*, more than its role allows" in problems
    result = ensure_accounts(platform)
    assert sorted(result.revoked) == sorted(
        [f"{shipper}: DELETE on `{platform.audit.database}`.*", f"{shipper}: PROCESS on *.*"]
    )
    assert result.changed and audit_security_problems(platform) == []
    grants = " ".join(r[0] for r in admin_sql(platform, "SHOW GRANTS FOR %s@'%%'", params=(shipper,)))
    assert "DELETE" not in grants and "PROCESS" not in grants
    assert "GRANT SELECT, INSERT ON" in grants and "GRANT UPDATE ON" in grants


def test_a_dropped_or_altered_retention_procedure_is_reported_and_put_back_with_its_grant(platform):
    database, retention = platform.audit.database, platform.audit_retention.user
    admin_sql(platform, f"DROP PROCEDURE `{database}`.{DROP}")
    # A weaker stand-in under the same name: no checks at all.
    admin_sql(
        platform,
        f"DROP PROCEDURE `{database}`.{SPLIT}",
        f"CREATE PROCEDURE `{database}`.{SPLIT}(IN p_table VARCHAR(64), IN p_partition VARCHAR(64), "
        "IN p_new_partition VARCHAR(64), IN p_bound DATE) SQL SECURITY DEFINER BEGIN END",
    )
    problems = audit_security_problems(platform)
    assert f"{database}: retention procedure {DROP} is missing" in problems
    assert any(p.startswith(f"{database}: retention procedure {SPLIT} differs") for p in problems)
    assert f"{retention} lacks EXECUTE on PROCEDURE `{database}`.`{DROP}`" in problems
    result = ensure_accounts(platform)
    assert result.procedures_created == [DROP] and result.procedures_replaced == [SPLIT]
    assert f"{retention}: EXECUTE on PROCEDURE `{database}`.`{DROP}`" in result.granted
    assert audit_security_problems(platform) == []
    grants = " ".join(r[0] for r in admin_sql(platform, "SHOW GRANTS FOR %s@'%%'", params=(retention,)))
    assert f"GRANT EXECUTE ON PROCEDURE `{database}`.`{DROP}`" in grants
    assert "DROP," not in grants and "ALTER" not in grants and "GRANT SELECT, LOCK TABLES ON" in grants


def test_setup_takes_back_the_rights_older_installations_gave_the_retention_account(platform):
    """Before the procedures, retention held INSERT on the database and DROP and ALTER on every audit table."""
    database, retention = platform.audit.database, platform.audit_retention.user
    escaped = database.replace("_", "\\_")
    admin_sql(
        platform,
        f"GRANT INSERT ON `{escaped}`.* TO %s@'%%'",
        f"GRANT DROP, ALTER ON `{database}`.`login_audit` TO %s@'%%'",
        params=(retention,),
    )
    problems = audit_security_problems(platform)
    assert f"{retention} has ALTER, DROP on `{database}`.`login_audit`, more than its role allows" in problems
    assert any(p.startswith(f"{retention} has INSERT on ") for p in problems)
    result = ensure_accounts(platform)
    assert f"{retention}: ALTER, DROP on `{database}`.`login_audit`" in result.revoked
    assert audit_security_problems(platform) == []
    conn = as_account(platform, "retention")
    try:
        assert refused(conn, "TRUNCATE TABLE login_audit")[0] == DENIED
    finally:
        conn.close()


def test_rerunning_keeps_the_accounts_and_updates_a_changed_password(platform):
    assert not ensure_accounts(platform).changed
    reader = platform.audit_reader
    changed = replace(platform, audit_reader=replace(reader, password=Secret(reader.password.reveal() + "-rotated")))
    result = ensure_accounts(changed)
    assert result.passwords_set == [reader.user] and result.created == []
    assert can_log_in(changed, changed.audit_reader) and not can_log_in(platform, reader)
    assert ensure_accounts(platform).passwords_set == [reader.user]  # and back
    assert can_log_in(platform, reader)


def test_empty_passwords_are_refused_before_anything_is_built(platform):
    empty = replace(platform, audit_retention=replace(platform.audit_retention, password=Secret("")))
    with pytest.raises(AccountError) as error:
        require_passwords(empty)
    assert "MYSQL_AUDIT_RETENTION_PASSWORD is empty" in str(error.value) and ".env" in str(error.value)
    with pytest.raises(AccountError):
        ensure_accounts(empty)
    result = genims(
        "setup",
        "--scale",
        "0.05",
        env={"MYSQL_AUDIT_PASSWORD": "", "MYSQL_AUDIT_READER_PASSWORD": "", "POSTGRES_DB_MASTER": "gstore_acct_never"},
    )
    assert result.returncode == 1
    assert "MYSQL_AUDIT_PASSWORD and MYSQL_AUDIT_READER_PASSWORD are empty" in result.stderr
    assert "Set MYSQL_AUDIT_PASSWORD and MYSQL_AUDIT_READER_PASSWORD in .env" in result.stderr
    assert "Traceback" not in result.stderr and "Source databases" not in result.stdout


def test_the_guard_file_covers_every_audit_table_and_a_tampered_trigger_is_put_back(platform):
    triggers = guard_triggers()
    assert {(t.table, t.event) for t in triggers} == {(t, e) for t in audit_tables() for e in ("UPDATE", "DELETE")}
    assert "audit_sequence_manager" not in {t.table for t in triggers}
    admin_sql(
        platform,
        "DROP TRIGGER system_audit_log_no_delete",
        "CREATE TRIGGER system_audit_log_no_delete BEFORE DELETE ON system_audit_log FOR EACH ROW SET @x = 1",
        "DROP TRIGGER login_audit_no_update",
        database=platform.audit.database,
    )
    conn = admin_connect(platform, platform.audit.database)
    try:
        with conn.cursor() as cur:
            problems = sorted(guard_problems(cur, platform.audit.database))
            assert problems == [
                f"{platform.audit.database}: append-only trigger login_audit_no_update on login_audit is missing",
                f"{platform.audit.database}: append-only trigger system_audit_log_no_delete differs from "
                "sql/mysql/audit_guard.sql",
            ]
            assert apply_guard(cur, platform.audit.database) == (
                ["login_audit_no_update"],
                ["system_audit_log_no_delete"],
            )
            assert apply_guard(cur, platform.audit.database) == ([], [])
            assert guard_problems(cur, platform.audit.database) == []
    finally:
        conn.close()


def test_anonymous_accounts_are_named_as_shadowing_the_audit_accounts(platform):
    warning = shadowing_warnings([("", "localhost"), ("root", "localhost"), ("", "db1")])[0]
    assert "''@'localhost', ''@'db1'" in warning and "DROP USER" in warning
    assert shadowing_warnings([("root", "localhost")]) == []
    conn = admin_connect(platform)
    try:
        with conn.cursor() as cur:
            assert account_problems(cur, platform) == []  # this server has none, and the rights are exact
    finally:
        conn.close()


# ---------------------------------------------------------------- settings of the accounts


def test_the_audit_accounts_default_to_their_own_names_never_root():
    s = Settings.from_env({})
    assert (s.audit.user, s.audit_reader.user, s.audit_retention.user) == (
        "genims_audit_shipper",
        "genims_audit_reader",
        "genims_audit_retention",
    )
    assert s.mysql_admin.user == "root" and s.reporting.user == "root"
    assert s.admin_target(s.audit).user == "root" and s.admin_target(s.audit).database == s.audit.database
    env = {
        "MYSQL_ADMIN_USER": "admin@myserver",
        "MYSQL_ADMIN_PASSWORD": "adm-secret-1",
        "MYSQL_AUDIT_USER": "ship",
        "MYSQL_AUDIT_PASSWORD": "ship-secret-2",
        "MYSQL_AUDIT_READER_USER": "read",
        "MYSQL_AUDIT_READER_PASSWORD": "read-secret-3",
        "MYSQL_AUDIT_RETENTION_USER": "keep",
        "MYSQL_AUDIT_RETENTION_PASSWORD": "keep-secret-4",
    }
    s = Settings.from_env(env)
    assert [a.user for a in s.audit_accounts()] == ["ship", "read", "keep"] and s.mysql_admin.user == "admin@myserver"
    assert s.audit_retention.password.reveal() == "keep-secret-4"
    for text in (repr(s), str(s.mysql_admin), repr(s.audit_accounts()), repr(s.admin_target(s.audit))):
        assert not any(secret in text for secret in ("adm-secret-1", "ship-secret-2", "read-secret-3", "keep-secret-4"))


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"MYSQL_AUDIT_USER": "ship'; DROP USER root; --"}, 'DROP USER root; --" is not a valid MySQL account'),
        ({"MYSQL_AUDIT_READER_USER": "a" * 33}, "at most 32 characters"),
        ({"MYSQL_AUDIT_RETENTION_USER": "has space"}, "MYSQL_AUDIT_RETENTION_USER='has space' is not a valid"),
        ({"MYSQL_ADMIN_USER": "ad`min"}, "MYSQL_ADMIN_USER='ad`min' is not a valid MySQL account name"),
        ({"MYSQL_AUDIT_USER": "root"}, "MYSQL_AUDIT_USER and MYSQL_ADMIN_USER are both 'root'"),
        (
            {"MYSQL_AUDIT_READER_USER": "same", "MYSQL_AUDIT_RETENTION_USER": "same"},
            "MYSQL_AUDIT_RETENTION_USER and MYSQL_AUDIT_READER_USER are both 'same'",
        ),
    ],
)
def test_malformed_account_settings_name_the_variable_and_the_fix(env, expected):
    with pytest.raises(SettingsError) as error:
        Settings.from_env(env)
    assert expected in str(error.value)
    if "both" in expected:
        assert "default" in str(error.value) and ".env" in str(error.value)


def test_the_test_platform_uses_its_own_audit_accounts():
    # conftest: the gtest platform never touches a developer's genims_audit_* accounts or their passwords.
    s = Settings.from_env(dict(os.environ))
    assert all(a.user.startswith("gtest_") for a in s.audit_accounts())
    assert all(a.password for a in s.audit_accounts())
