"""Backups to Azure Blob (real Azurite) of real MariaDB databases: upload, read-back, records, restore, prune.

This module also holds the two context managers the audit-operations tests share
(test_audit_retention.py and test_legal_hold.py import them): `azurite_running`
(starts Azurite through scripts/azurite.sh) and `gback_platform` (a complete audit
platform under the gback_ prefix: reporting and audit databases built as `genims
setup` builds them, the three audit accounts with random passwords, the Dagster
database for the outbox, and a fresh blob container).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import secrets
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest
from azure.storage.blob import BlobServiceClient
from click.testing import CliRunner

from genims_assets.audit.accounts import ensure_accounts
from genims_assets.audit.backup import (
    BackupError,
    latest_chain_heads,
    list_backups,
    prune_backups,
    restore_backup,
    run_backup,
)
from genims_assets.audit.blob import BlobStore, BlobStoreError
from genims_assets.audit.outbox import record
from genims_assets.audit.outbox_ship import ship_outbox
from genims_assets.cli import main
from genims_assets.connections import mysql_connect
from genims_assets.defs.audit.operations import defs as operations_defs
from genims_assets.platform_setup.mysql_schema import AUDIT, REPORTING, apply_layer
from genims_assets.settings import Settings
from genims_assets_tests.conftest import REPO
from genims_assets_tests.test_audit_store import postgres_sql

ROLE_USERS = {
    "MYSQL_AUDIT": "gback_shipper",
    "MYSQL_AUDIT_READER": "gback_reader",
    "MYSQL_AUDIT_RETENTION": "gback_retention",
}


# ---------------------------------------------------------------- shared fixtures (imported by the other two modules)


@contextmanager
def azurite_running() -> Iterator[None]:
    """Azurite on 127.0.0.1:10000 through scripts/azurite.sh; stopped afterwards only if started here."""
    script = '. scripts/azurite.sh && azurite_start && echo "started=$AZURITE_STARTED"'
    result = subprocess.run(["bash", "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"Azurite did not start:\n{result.stderr}"
    try:
        yield
    finally:
        if "started=1" in result.stdout:
            subprocess.run(["bash", "-c", ". scripts/azurite.sh && azurite_stop"], cwd=REPO, timeout=60, check=False)


def _admin_sql(settings: Settings, *statements: str, params: tuple = ()) -> None:
    conn = mysql_connect(settings.admin_target(settings.audit), database=None, autocommit=True)
    try:
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement, params or None)
    finally:
        conn.close()


def _tear_down(settings: Settings) -> None:
    for database in (settings.reporting.database, settings.audit.database):
        _admin_sql(settings, f"DROP DATABASE IF EXISTS `{database}`")
    for user in ROLE_USERS.values():
        _admin_sql(settings, "DROP USER IF EXISTS %s@'%%'", params=(user,))
    postgres_sql(settings, f'DROP DATABASE IF EXISTS "{settings.dagster_database}" WITH (FORCE)')
    service = BlobServiceClient.from_connection_string(settings.azure_storage_connection_string.reveal())
    for container in service.list_containers(name_starts_with=settings.backup_azure_container):
        service.delete_container(container.name)


@contextmanager
def gback_platform(tag: str, **extra_env: str) -> Iterator[Settings]:
    """A whole audit platform named gback_<tag>_*, built like `genims setup` does, removed afterwards."""
    env = {
        "MYSQL_REPORTING_DB": f"gback_{tag}_reporting_db",
        "MYSQL_AUDIT_DB": f"gback_{tag}_audit_db",
        "DAGSTER_PG_DB": f"gback_{tag}_dagster",
        "MYSQL_ADMIN_USER": "root",
        "MYSQL_ADMIN_PASSWORD": "",
        "AZURE_STORAGE_CONNECTION_STRING": "UseDevelopmentStorage=true",
        "BACKUP_AZURE_CONTAINER": f"gback-{tag}-{secrets.token_hex(4)}",
        **extra_env,
    }
    for prefix, user in ROLE_USERS.items():
        env[f"{prefix}_USER"] = user
        env[f"{prefix}_PASSWORD"] = secrets.token_urlsafe(18)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        settings = Settings.from_env()
        _tear_down(settings)
        today = datetime.now(UTC).date()
        postgres_sql(settings, f'CREATE DATABASE "{settings.dagster_database}"')
        apply_layer(REPORTING, settings.reporting, today, lambda _line: None)
        apply_layer(AUDIT, settings.admin_target(settings.audit), today, lambda _line: None)
        ensure_accounts(settings)
        try:
            yield settings
        finally:
            _tear_down(settings)


def activity_rows(times: list[datetime], user: str = "u-1") -> list[dict]:
    """user_activity_log rows (a platform-fed audit table) at the given UTC times."""
    return [
        {"activity_timestamp": t, "user_id": user, "activity_type": "export", "object_type": "table",
         "object_name": f"genims_reporting_db.t{i}", "row_count": i, "outcome": "success"}
        for i, t in enumerate(times)
    ]  # fmt: skip


def audit_query(settings: Settings, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of a query on the audit database, as the admin (sees everything, changes nothing)."""
    conn = mysql_connect(settings.admin_target(settings.audit))
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return list(cur.fetchall())
    finally:
        conn.close()


def invoke(*args: str):
    """The real `genims` command line, in-process (environment as patched)."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# ---------------------------------------------------------------- this module's platform


@pytest.fixture(scope="module")
def platform() -> Iterator[Settings]:
    with azurite_running(), gback_platform("backup") as settings:
        conn = mysql_connect(settings.reporting, autocommit=True)
        with conn.cursor() as cur:
            cur.execute(
                "CREATE TABLE backup_probe (id INT PRIMARY KEY, name VARCHAR(100) NULL, amount DECIMAL(12,2) NULL, "
                "payload JSON NULL, seen_at DATETIME(6) NULL) DEFAULT CHARSET=utf8mb4"
            )
            cur.executemany(
                "INSERT INTO backup_probe VALUES (%s, %s, %s, %s, %s)",
                [(i, f"Müller & 'Sons'\t{i}" if i % 3 else None, i * 1.25, json.dumps({"i": i, "ü": [i]}),
                  datetime(2026, 1, 1, 12, 0, 0, i)) for i in range(120)],
            )  # fmt: skip
        conn.close()
        now = datetime.now(UTC).replace(tzinfo=None)
        record(
            settings, "user_activity_log", activity_rows([now - timedelta(minutes=i) for i in range(5)]), producer="t"
        )
        ship_outbox(settings, tables=["user_activity_log"])
        yield settings


def table_counts(settings: Settings, database: str) -> dict[str, int]:
    conn = mysql_connect(settings.admin_target(settings.audit), database=None)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = %s AND table_type = 'BASE TABLE'",
                (database,),
            )
            names = sorted(r[0] for r in cur.fetchall())
            counts = {}
            for name in names:
                cur.execute(f"SELECT COUNT(*) FROM `{database}`.`{name}`")
                counts[name] = cur.fetchone()[0]
            return counts
    finally:
        conn.close()


def backup_rows(settings: Settings, operation_id: str) -> dict[str, tuple]:
    rows = audit_query(
        settings,
        "SELECT status, operation, target, location, size_bytes, checksum_sha256, error_message, chain_heads "
        "FROM backup_recovery WHERE operation_id = %s ORDER BY backup_sequence",
        (operation_id,),
    )
    return {r[0]: r for r in rows}


# ---------------------------------------------------------------- tests


def test_backup_uploads_verified_dumps_with_chain_heads_and_records_them(platform):
    settings = platform
    before = {db: table_counts(settings, db) for db in (settings.reporting.database, settings.audit.database)}
    heads_before = dict(audit_query(settings, "SELECT table_name, last_row_hash FROM audit_sequence_manager"))

    report = run_backup(settings)

    assert report.ok and report.shipping_error is None, report
    store = BlobStore.from_settings(settings)
    assert [r.database for r in report.results] == [settings.reporting.database, settings.audit.database]
    for result in report.results:
        data = store.download_bytes(result.blob_name)
        assert hashlib.sha256(data).hexdigest() == result.checksum_sha256 == store.properties(result.blob_name).sha256
        assert len(data) == result.size_bytes
        assert result.blob_name.startswith(f"{result.database}/{datetime.now(UTC):%Y/%m/%d}/")
        assert b"CREATE TABLE" in gzip.decompress(data)
        rows = backup_rows(settings, result.operation_id)
        assert set(rows) == {"started", "success"}
        _, operation, target, location, size, checksum, error, _ = rows["success"]
        assert (operation, target, location, size, checksum, error) == (
            "backup",
            result.database,
            result.location,
            result.size_bytes,
            result.checksum_sha256,
            None,
        )
    # Nothing of this backup reached MySQL before the dump: the dump holds exactly the counts seen before.
    assert before[settings.audit.database]["backup_recovery"] == 0
    audit = report.results[1]
    heads = latest_chain_heads(settings)
    assert heads["backup_blob"] == audit.blob_name and heads["backup_sha256"] == audit.checksum_sha256
    assert {t: h["last_row_hash"] for t, h in heads["tables"].items()} == heads_before
    assert heads["tables"]["user_activity_log"]["last_sequence"] == 5
    assert (
        json.loads(backup_rows(settings, audit.operation_id)["success"][7])["user_activity_log"]["last_sequence"] == 5
    )


def test_restore_gives_the_same_row_counts_and_refuses_to_overwrite(platform):
    settings = platform
    counts = {db: table_counts(settings, db) for db in (settings.reporting.database, settings.audit.database)}
    report = run_backup(settings)
    assert report.ok, report
    restored = {}
    for result, source in zip(report.results, counts, strict=True):
        target = f"gback_restored_{'reporting' if source == settings.reporting.database else 'audit'}"
        _admin_sql(settings, f"DROP DATABASE IF EXISTS `{target}`")
        try:
            outcome = invoke("backup", "restore", result.location, "--target-database", target)
            assert outcome.exit_code == 0, outcome.output
            restored[source] = table_counts(settings, target)
            assert restored[source] == counts[source]
            # A second restore into the now non-empty database is refused without --force, allowed with it.
            refused = invoke("backup", "restore", result.blob_name, "--target-database", target)
            assert refused.exit_code == 1 and "--force" in refused.output
            forced = restore_backup(settings, result.blob_name, target, force=True)
            assert forced.row_counts == counts[source]
        finally:
            _admin_sql(settings, f"DROP DATABASE IF EXISTS `{target}`")
    assert restored[settings.reporting.database]["backup_probe"] == 120
    assert restored[settings.audit.database]["user_activity_log"] == 5
    with pytest.raises(BackupError, match="live audit database"):
        restore_backup(settings, report.results[1].blob_name, settings.audit.database, force=True)
    statuses = audit_query(
        settings, "SELECT status, COUNT(*) FROM backup_recovery WHERE operation = 'restore' GROUP BY status"
    )
    assert dict(statuses) == {"started": 7, "success": 4, "failed": 3}


def test_a_damaged_backup_is_refused_and_nothing_is_restored(platform):
    settings = platform
    report = run_backup(settings, databases=["reporting"])
    blob = report.results[0]
    service = BlobServiceClient.from_connection_string(settings.azure_storage_connection_string.reveal())
    client = service.get_blob_client(settings.backup_azure_container, blob.blob_name)
    metadata = client.get_blob_properties().metadata
    client.upload_blob(gzip.compress(b"DROP TABLE backup_probe;"), overwrite=True, metadata=metadata)
    with pytest.raises(BackupError, match="failed its checksum"):
        restore_backup(settings, blob.blob_name, "gback_restored_damaged")
    with pytest.raises(BlobStoreError, match="is not in container"):
        restore_backup(settings, "https://elsewhere.example/c/" + blob.blob_name, "gback_restored_damaged")
    with pytest.raises(BackupError, match="not a backup of this platform"):
        restore_backup(settings, "../" + blob.blob_name, "gback_restored_damaged")
    with pytest.raises(BackupError, match="not a valid database name"):
        restore_backup(settings, blob.blob_name, "x`; DROP DATABASE mysql; --")
    assert audit_query(settings, "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = %s",
                       ("gback_restored_damaged",)) == [(0,)]  # fmt: skip


def test_a_wrong_connection_string_fails_clearly_records_a_failed_backup_and_hides_the_key(platform, monkeypatch):
    settings = platform
    key = base64.b64encode(secrets.token_bytes(64)).decode()
    wrong = (
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        f"AccountKey={key};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
    )
    unreachable = wrong.replace(":10000/", ":9/")  # nothing listens on port 9
    cases = {
        wrong: "refused the credential",
        unreachable: "could not be reached",
        "": "is not set",
        "no-equals-sign-here": "is malformed",
    }
    for value, expected in cases.items():
        monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", value)
        outcome = invoke("backup", "run", "--database", "reporting")
        assert outcome.exit_code == 1
        assert "AZURE_STORAGE_CONNECTION_STRING" in outcome.output and expected in outcome.output
        assert key not in outcome.output and (not value or value not in outcome.output)
    failed = audit_query(
        settings,
        "SELECT operation_id, error_message FROM backup_recovery WHERE status = 'failed' AND operation = 'backup'",
    )
    assert len(failed) == len(cases)
    assert all("AZURE_STORAGE_CONNECTION_STRING" in message and key not in message for _, message in failed)
    for operation_id, _ in failed:
        assert set(backup_rows(settings, operation_id)) == {"started", "failed"}


def test_prune_deletes_old_backups_keeps_the_newest_and_records_it(platform):
    settings = platform
    first = run_backup(settings, databases=["reporting"]).results[0]
    second = run_backup(settings, databases=["reporting"]).results[0]
    store = BlobStore.from_settings(settings)
    later = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=settings.backup_retention_days + 1)
    pruned = prune_backups(settings, store, now=later)
    names = [b.name for b in list_backups(settings, store, settings.reporting.database)]
    assert first.blob_name in {p.blob_name for p in pruned} and first.blob_name not in names
    assert second.blob_name in names and second.blob_name not in {p.blob_name for p in pruned}
    # Audit dumps are kept 7 years: none of them is old enough.
    assert all(p.database == settings.reporting.database for p in pruned)
    ship_outbox(settings, tables=["backup_recovery"])
    prunes = audit_query(settings, "SELECT location, status FROM backup_recovery WHERE operation = 'prune'")
    assert (first.location, "success") in prunes and all(loc != second.location for loc, _ in prunes)
    listed = invoke("backup", "list", "--database", settings.reporting.database)
    assert listed.exit_code == 0 and second.blob_name in listed.output and first.blob_name not in listed.output


def test_the_dagster_backup_job_and_its_schedule(platform, monkeypatch):
    settings = platform
    definitions = operations_defs(settings)
    dg.Definitions.validate_loadable(definitions)
    schedules = {s.name: s for s in definitions.schedules}
    schedule = schedules["audit_backup_daily"]
    assert schedule.cron_schedule == "0 2 * * *" and schedule.execution_timezone == "UTC"
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED  # BACKUP_ENABLED defaults to false
    enabled = Settings.from_env({"BACKUP_ENABLED": "true", "BACKUP_DAILY_TIME": "01:45"})
    on = next(s for s in operations_defs(enabled).schedules if s.name == "audit_backup_daily")
    assert on.cron_schedule == "45 1 * * *" and on.default_status == dg.DefaultScheduleStatus.RUNNING
    retention = schedules["audit_retention_daily"]
    assert retention.cron_schedule == "0 4 * * *" and retention.default_status == dg.DefaultScheduleStatus.RUNNING

    result = definitions.get_job_def("audit_backup").execute_in_process()
    assert result.success
    recorded = audit_query(
        settings, "SELECT COUNT(*) FROM backup_recovery WHERE run_id = %s AND status = 'success'", (result.run_id,)
    )
    assert recorded == [(2,)]

    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", "")
    failing = operations_defs(Settings.from_env()).get_job_def("audit_backup").execute_in_process(raise_on_error=False)
    assert not failing.success
    failure = failing.failure_data_for_node("back_up_databases").error
    assert "AZURE_STORAGE_CONNECTION_STRING is not set" in failure.message + str(failure.cause)
