"""Legal holds on real MariaDB and Azurite: place/list/release commands, and a hold stopping the purge it covers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from genims_assets.audit.legal_hold import Hold, LegalHoldError, load_holds, place_hold
from genims_assets.audit.outbox import record
from genims_assets.audit.outbox_ship import ship_outbox
from genims_assets.audit.retention import run_retention
from genims_assets.connections import postgres_connect
from genims_assets.settings import Settings
from genims_assets_tests.test_audit_backup import activity_rows, audit_query, azurite_running, gback_platform, invoke

TABLE = "user_activity_log"
MARCH, JUNE = [datetime(2018, 3, 10), datetime(2018, 3, 11)], [datetime(2018, 6, 15), datetime(2018, 6, 16)]


@pytest.fixture(scope="module")
def platform() -> Iterator[Settings]:
    with azurite_running(), gback_platform("hold") as settings:
        now = datetime.now(UTC).replace(tzinfo=None)
        record(settings, TABLE, activity_rows([*MARCH, *JUNE, now]), producer="test")
        assert ship_outbox(settings, tables=[TABLE]).tables[TABLE].inserted == 5
        yield settings


def count_between(settings: Settings, start: datetime, end: datetime) -> int:
    rows = audit_query(
        settings,
        f"SELECT COUNT(*) FROM {TABLE} WHERE activity_timestamp >= %s AND activity_timestamp < %s",
        (start, end),
    )
    return rows[0][0]


def pending_hold_events(settings: Settings) -> int:
    conn = postgres_connect(settings.postgres, settings.dagster_database)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                "SELECT COUNT(*) FROM genims_audit.platform_outbox "
                "WHERE target_table = 'legal_hold_tracking' AND shipped_at IS NULL"
            )
            return cur.fetchone()[0]
    finally:
        conn.close()


def hold(**changes) -> Hold:
    base = dict(
        hold_id="LH-1", case_reference="C-1", status="active", scope_tables=("gback_db.user_activity_log",),
        scope_subjects=(), date_from=date(2018, 6, 1), date_to=date(2018, 6, 30), placed_by="a", placed_at=None,
        reviewer="r", expires_at=None, released_by=None, released_at=None, release_reason=None, notes=None,
        last_event_type="placed", last_event_at=datetime(2026, 1, 1),
    )  # fmt: skip
    return Hold(**{**base, **changes})


def test_coverage_rules_of_a_hold():
    june = (datetime(2018, 6, 1), datetime(2018, 7, 1))
    assert hold().covers("gback_db", TABLE, *june)
    assert hold().covers("gback_db", TABLE, datetime(2018, 6, 30, 23), datetime(2018, 8, 1))  # last day counts
    assert not hold().covers("gback_db", TABLE, datetime(2018, 7, 1), datetime(2018, 8, 1))  # after date_to
    assert not hold().covers("gback_db", TABLE, datetime(2018, 5, 1), datetime(2018, 6, 1))  # ends at date_from
    assert hold().covers("gback_db", TABLE, None, datetime(2018, 6, 1, 0, 0, 1))  # oldest partition: open start
    assert not hold().covers("gback_db", "login_audit", *june) and not hold().covers("other_db", TABLE, *june)
    assert hold(scope_tables=("gback_db.*",)).covers("gback_db", "login_audit", *june)
    assert hold(date_from=None, date_to=None).covers("gback_db", TABLE, datetime(2001, 1, 1), datetime(2001, 2, 1))
    assert not hold(status="released").covers("gback_db", TABLE, *june)
    overdue = hold(expires_at=datetime(2020, 1, 1))
    assert overdue.overdue(datetime(2026, 1, 1)) and overdue.covers("gback_db", TABLE, *june)  # expiry = review date


def test_bad_requests_are_refused_and_record_nothing(platform):
    settings = platform
    before = audit_query(settings, "SELECT COUNT(*) FROM legal_hold_tracking")[0][0]
    unknown = invoke("compliance", "legal-hold", "place", "--case-id", "C-9", "--reason", "r", "--reviewer", "x",
                     "--table", "no_such_table")  # fmt: skip
    assert unknown.exit_code == 1 and "no_such_table" in unknown.output and "user_activity_log" in unknown.output
    reversed_dates = invoke("compliance", "legal-hold", "place", "--case-id", "C-9", "--reason", "r", "--reviewer",
                            "x", "--from", "2020-02-01", "--to", "2020-01-01")  # fmt: skip
    assert reversed_dates.exit_code == 1 and "reversed" in reversed_dates.output
    bad_date = invoke("compliance", "legal-hold", "place", "--case-id", "C-9", "--reason", "r", "--reviewer", "x",
                      "--from", "June 2018")  # fmt: skip
    assert bad_date.exit_code == 2 and "YYYY-MM-DD" in bad_date.output
    too_long = invoke("compliance", "legal-hold", "place", "--case-id", "C" * 129, "--reason", "r", "--reviewer", "x")
    assert too_long.exit_code == 1 and "case_reference" in too_long.output and "128" in too_long.output
    missing = invoke("compliance", "legal-hold", "release", "LH-nope", "--reviewer", "x", "--reason", "done")
    assert missing.exit_code == 1 and "no legal hold 'LH-nope'" in missing.output
    assert audit_query(settings, "SELECT COUNT(*) FROM legal_hold_tracking")[0][0] == before
    assert pending_hold_events(settings) == 0


def test_a_hold_stops_the_purge_of_its_partition_until_it_is_released(platform):
    settings = platform
    placed = invoke(
        "compliance", "legal-hold", "place", "--case-id", "CASE-42", "--case-name", "Acme v. GenIMS",
        "--reason", "litigation", "--reviewer", "legal@genims", "--table", TABLE, "--subject", "u-1",
        "--from", "2018-06-01", "--to", "2018-06-30", "--expires", "2099-01-01",
    )  # fmt: skip
    assert placed.exit_code == 0, placed.output
    hold_id = re.search(r"placed (LH-\S+):", placed.output).group(1)
    # In MySQL as soon as the command returned.
    stored = audit_query(
        settings,
        "SELECT event_type, status, scope_tables, scope_subjects, date_from, date_to, reviewer, notes "
        "FROM legal_hold_tracking WHERE hold_id = %s",
        (hold_id,),
    )
    assert len(stored) == 1
    event_type, status, tables, subjects, date_from, date_to, reviewer, notes = stored[0]
    assert (event_type, status, reviewer) == ("placed", "active", "legal@genims")
    assert json.loads(tables) == [f"{settings.audit.database}.{TABLE}"] and json.loads(subjects) == ["u-1"]
    assert (date_from, date_to) == (date(2018, 6, 1), date(2018, 6, 30)) and "Acme v. GenIMS" in notes
    listed = invoke("compliance", "legal-hold", "list", "--status", "active")
    assert listed.exit_code == 0 and hold_id in listed.output and "CASE-42" in listed.output

    first = run_retention(settings, tables=[TABLE])
    outcome = {(a.partition, a.action): (a.status, a.blocking_holds) for a in first.actions}
    assert outcome[("p201803", "purge")] == ("done", ())
    assert outcome[("p201806", "skip")] == ("blocked_by_hold", (hold_id,))
    assert ("p201806", "purge") not in outcome and ("p201806", "archive") not in outcome
    assert count_between(settings, datetime(2018, 6, 1), datetime(2018, 7, 1)) == 2  # still there
    assert count_between(settings, datetime(2018, 3, 1), datetime(2018, 4, 1)) == 0
    skipped = audit_query(
        settings,
        "SELECT status, blocking_holds, legal_hold_checked, rows_affected FROM retention_policy_log "
        "WHERE action = 'skip' AND partition_name = 'p201806'",
    )
    assert [(s, json.loads(h), c, n) for s, h, c, n in skipped] == [("blocked_by_hold", [hold_id], 1, 2)]

    released = invoke("compliance", "legal-hold", "release", hold_id, "--reviewer", "counsel", "--reason", "settled")
    assert released.exit_code == 0, released.output
    again = invoke("compliance", "legal-hold", "release", hold_id, "--reviewer", "counsel", "--reason", "twice")
    assert again.exit_code == 1 and "already released" in again.output
    assert hold_id in invoke("compliance", "legal-hold", "list", "--status", "released").output
    assert hold_id not in invoke("compliance", "legal-hold", "list", "--status", "active").output
    assert load_holds(settings)[hold_id].status == "released"

    second = run_retention(settings, tables=[TABLE])
    assert [(a.partition, a.action, a.status) for a in second.actions] == [
        ("p201806", "archive", "done"),
        ("p201806", "purge", "done"),
    ]
    assert count_between(settings, datetime(2018, 6, 1), datetime(2018, 7, 1)) == 0
    assert (
        count_between(settings, datetime.now(UTC).replace(tzinfo=None) - timedelta(days=1), datetime(2100, 1, 1)) == 1
    )


def test_a_hold_that_could_not_be_shipped_still_blocks_from_the_outbox(platform, monkeypatch):
    settings = platform
    record(settings, TABLE, activity_rows([datetime(2018, 9, 5)]), producer="test")
    ship_outbox(settings, tables=[TABLE])
    monkeypatch.setenv("MYSQL_AUDIT_PASSWORD", "wrong-" + settings.audit.password.reveal()[:4])
    unreachable = Settings.from_env()
    with pytest.raises(LegalHoldError, match="recorded in the platform outbox but not yet in") as refused:
        place_hold(unreachable, case_reference="CASE-7", reason="regulator", reviewer="legal", tables=[TABLE])
    assert settings.audit.password.reveal() not in str(refused.value)
    assert pending_hold_events(settings) == 1
    pending = [h for h in load_holds(settings).values() if h.pending]
    assert len(pending) == 1 and pending[0].case_reference == "CASE-7"

    dry = run_retention(settings, dry_run=True, tables=[TABLE])
    assert [(a.partition, a.status, a.blocking_holds) for a in dry.actions] == [
        ("p201809", "blocked_by_hold", (pending[0].hold_id,))
    ]
    ship_outbox(settings, tables=["legal_hold_tracking"])
    assert pending_hold_events(settings) == 0
    assert load_holds(settings, include_pending=False)[pending[0].hold_id].status == "active"
