"""Audit retention on real MariaDB and Azurite: split, archive, verify, drop under the retention account, dry run."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import dagster as dg
import pymysql
import pytest

from genims_assets.audit.blob import BlobStore
from genims_assets.audit.outbox import record
from genims_assets.audit.outbox_ship import ship_outbox
from genims_assets.audit.retention import RetentionError, Segment, plan_segments, run_retention
from genims_assets.audit.store import row_hash
from genims_assets.connections import mysql_connect
from genims_assets.defs.audit.operations import defs as operations_defs
from genims_assets.mysql_partitions import add_months, month_start, partition_name
from genims_assets.settings import MySQLAccount, Settings
from genims_assets_tests.test_audit_backup import activity_rows, audit_query, azurite_running, gback_platform, invoke

TABLE = "user_activity_log"
OLD = {  # partition the split gives them -> their times (all older than 7 years)
    "p201803": [datetime(2018, 3, 10, 8, 0, 0, 1), datetime(2018, 3, 10, 9), datetime(2018, 3, 31, 23, 59, 59, 999999)],
    "p201805": [datetime(2018, 5, 1), datetime(2018, 5, 20, 12)],
    "p201901": [datetime(2019, 1, 15, 6, 30)],
}


@pytest.fixture(scope="module")
def platform() -> Iterator[Settings]:
    with azurite_running(), gback_platform("retention") as settings:
        old = [t for times in OLD.values() for t in times]
        now = datetime.now(UTC).replace(tzinfo=None)
        record(settings, TABLE, activity_rows(old, user="old-user"), producer="test")
        record(settings, TABLE, activity_rows([now - timedelta(hours=1), now], user="new-user"), producer="test")
        shipped = ship_outbox(settings, tables=[TABLE])
        assert shipped.tables[TABLE].inserted == 8 and not shipped.rejected
        yield settings


def partition_names(settings: Settings) -> list[str]:
    rows = audit_query(
        settings,
        "SELECT partition_name FROM information_schema.partitions WHERE table_schema = %s AND table_name = %s "
        "ORDER BY partition_ordinal_position",
        (settings.audit.database, TABLE),
    )
    return [r[0] for r in rows]


def stored_rows(settings: Settings, before: datetime | None = None) -> list[dict]:
    conn = mysql_connect(settings.admin_target(settings.audit))
    try:
        with conn.cursor(pymysql.cursors.DictCursor) as cur:
            where = "WHERE activity_timestamp < %s" if before else ""
            cur.execute(f"SELECT * FROM {TABLE} {where} ORDER BY activity_sequence", (before,) if before else ())
            return list(cur.fetchall())
    finally:
        conn.close()


def policy_log(settings: Settings, action: str) -> list[dict]:
    conn = mysql_connect(settings.admin_target(settings.audit))
    try:
        with conn.cursor(pymysql.cursors.DictCursor) as cur:
            cur.execute("SELECT * FROM retention_policy_log WHERE action = %s ORDER BY retention_sequence", (action,))
            return list(cur.fetchall())
    finally:
        conn.close()


def as_archived(row: dict) -> dict:
    """A row as the archive writes it: values as text the way MySQL returns them."""
    out = {}
    for key, value in row.items():
        if isinstance(value, datetime):
            value = value.isoformat(sep=" ", timespec="microseconds")
        out[key] = value
    return out


def test_plan_cuts_the_first_partition_into_its_older_months():
    bounds = [("p202610", datetime(2026, 11, 1)), ("p202611", datetime(2026, 12, 1)), ("pmax", None)]
    months = [(date(2018, 3, 1), 3), (date(2018, 5, 1), 2), (date(2026, 10, 1), 7)]
    assert plan_segments(bounds, months) == [
        Segment("p201803", None, datetime(2018, 4, 1), 3),
        Segment("p201805", datetime(2018, 4, 1), datetime(2018, 6, 1), 2),
        Segment("p202610", datetime(2018, 6, 1), datetime(2026, 11, 1)),
        Segment("p202611", datetime(2026, 11, 1), datetime(2026, 12, 1)),
        Segment("pmax", datetime(2026, 12, 1), None),
    ]
    assert plan_segments(bounds, [(date(2026, 10, 1), 7)])[0] == Segment("p202610", None, datetime(2026, 11, 1))


def test_the_shipper_account_cannot_drop_partitions_and_retention_refuses_to_run_as_it(platform):
    settings = platform
    first = partition_names(settings)[0]
    shipper = mysql_connect(settings.audit, autocommit=True)
    try:
        with shipper.cursor() as cur:
            for statement in (f"ALTER TABLE {TABLE} DROP PARTITION {first}", f"TRUNCATE TABLE {TABLE}"):
                with pytest.raises(pymysql.err.OperationalError) as refused:
                    cur.execute(statement)
                assert refused.value.args[0] == 1142
    finally:
        shipper.close()
    as_shipper = dataclasses.replace(
        settings,
        audit_retention=MySQLAccount(
            "retention", "MYSQL_AUDIT_RETENTION", settings.audit.user, settings.audit.password
        ),
    )
    before = partition_names(settings)
    with pytest.raises(RetentionError, match="MYSQL_AUDIT_RETENTION_USER"):
        run_retention(as_shipper, tables=[TABLE])
    assert partition_names(settings) == before and len(stored_rows(settings)) == 8


def test_dry_run_changes_nothing_and_logs_dry_run_actions(platform):
    settings = platform
    partitions, rows = partition_names(settings), stored_rows(settings)
    outcome = invoke("audit", "archive", "--dry-run", "--table", TABLE)
    assert outcome.exit_code == 0, outcome.output
    assert partition_names(settings) == partitions and stored_rows(settings) == rows
    assert BlobStore.from_settings(settings).list("archive/") == []
    logged = policy_log(settings, "dry_run")
    assert [(r["partition_name"], r["rows_affected"], r["status"]) for r in logged] == [
        ("p201803", 3, "skipped"),
        ("p201805", 2, "skipped"),
        ("p201901", 1, "skipped"),
    ]
    assert all(r["legal_hold_checked"] == 1 and json.loads(r["blocking_holds"]) == [] for r in logged)
    assert logged[0]["range_from"] == OLD["p201803"][0] and logged[0]["range_to"] == datetime(2018, 4, 1)
    assert "p201805" in outcome.output and "dry run" in outcome.output


def test_the_dagster_retention_job_runs_with_a_dry_run_config(platform):
    settings = platform
    job = operations_defs(settings).get_job_def("audit_retention")
    config = {"ops": {"archive_expired_audit_partitions": {"config": {"dry_run": True, "tables": [TABLE]}}}}
    result = job.execute_in_process(run_config=config)
    assert result.success
    logged = audit_query(settings, "SELECT COUNT(*) FROM retention_policy_log WHERE run_id = %s", (result.run_id,))
    assert logged == [(3,)]  # one dry_run row per expired month, changed nothing
    bad = {"ops": {"archive_expired_audit_partitions": {"config": {"tables": ["no_such_table"]}}}}
    failed = job.execute_in_process(run_config=bad, raise_on_error=False)
    assert not failed.success
    assert "no_such_table" in str(failed.failure_data_for_node("archive_expired_audit_partitions").error)
    assert dg.Definitions.validate_loadable(operations_defs(settings)) is None


def test_retention_archives_verifies_and_drops_expired_partitions(platform):
    settings = platform
    today = datetime.now(UTC).date()
    newest = partition_name(add_months(month_start(today), 12))
    conn = mysql_connect(settings.admin_target(settings.audit), autocommit=True)
    with conn.cursor() as cur:  # a missing future partition, which the run must put back
        cur.execute(f"ALTER TABLE {TABLE} DROP PARTITION {newest}")
    conn.close()
    old_rows = stored_rows(settings, before=datetime(2019, 2, 1))
    recent = stored_rows(settings, before=None)[len(old_rows) :]

    report = run_retention(settings, tables=[TABLE])

    assert report.ok and report.shipping_error is None, report
    assert report.partitions_split == {TABLE: ["p201803", "p201805", "p201901"]}
    assert report.partitions_added == {TABLE: [newest]}
    assert [(a.partition, a.action, a.status) for a in report.actions] == [
        (p, action, "done") for p in OLD for action in ("archive", "purge")
    ]
    names = partition_names(settings)
    assert not {"p201803", "p201805", "p201901"} & set(names) and newest in names and names[-1] == "pmax"
    assert stored_rows(settings) == recent

    manifest = audit_query(
        settings,
        "SELECT partition_name, rows_archived, first_sequence, last_sequence, last_row_hash, storage_location, "
        "checksum_sha256, size_bytes, verified, archive_id FROM archive_manifest ORDER BY archive_sequence",
    )
    store = BlobStore.from_settings(settings)
    position = 0
    for (partition, count, first, last, last_hash, location, checksum, size, verified, archive_id), times in zip(
        manifest, OLD.values(), strict=True
    ):
        data = store.download_bytes(store.name_from_location(location))
        assert hashlib.sha256(data).hexdigest() == checksum and len(data) == size and verified == 1
        archived = [json.loads(line) for line in gzip.decompress(data).decode().splitlines()]
        expected = [as_archived(r) for r in old_rows[position : position + len(times)]]
        assert archived == expected and count == len(times)  # exactly the partition's rows, in sequence order
        assert (first, last, last_hash) == (expected[0]["activity_sequence"], expected[-1]["activity_sequence"],
                                            expected[-1]["row_hash"])  # fmt: skip
        assert location.endswith(f"/archive/{settings.audit.database}/{TABLE}/{partition}-{archive_id}.jsonl.gz")
        position += len(times)
    # The chain continues across the purged range: the first kept row links to the last archived hash.
    assert row_hash(manifest[-1][4], TABLE, recent[0]) == recent[0]["row_hash"]

    purges = policy_log(settings, "purge")
    assert [(r["partition_name"], r["rows_affected"], r["status"]) for r in purges] == [
        ("p201803", 3, "done"),
        ("p201805", 2, "done"),
        ("p201901", 1, "done"),
    ]
    assert {r["archive_id"] for r in purges} == {m[9] for m in manifest}
    assert all(r["executed_by"] == settings.audit_retention.user and r["legal_hold_checked"] == 1 for r in purges)
    assert all(r["policy_name"] == "audit_7_years" and r["retention_days"] == 2555 for r in purges)
    assert len(policy_log(settings, "archive")) == 3

    again = run_retention(settings, tables=[TABLE])  # nothing left to do, nothing changes
    assert again.ok and again.actions == [] and again.partitions_added == {} and stored_rows(settings) == recent
