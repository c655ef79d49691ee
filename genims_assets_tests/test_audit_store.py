"""The one write path into the audit database (real MariaDB, real PostgreSQL), and the outbox shipper.

Proves: gapless sequences and a valid hash chain across batches; the canonical form round-trips every column
type (what the verifier recomputes from the rows read back is what the writer hashed); a replayed batch inserts
nothing and leaves no gap; two concurrent writers of one table stay gapless; bad rows are refused before
anything is written; the executemany fallback; a counter moved back is refused; the outbox ships once, survives
a crash between the MySQL commit and the PostgreSQL acknowledgement, sets bad payloads aside, and still ships a
producer transaction that commits after later ones.

Also holds `gstore_platform`, the audit platform the three gstore test modules share (imported by
test_audit_verify.py and test_audit_accounts.py): an audit database built as `genims setup` builds it (as the
admin: tables, partitions, guard triggers, counters), the shipper, reader and retention accounts with random
passwords, and a Dagster database, all named gstore_<tag>_*, removed afterwards.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import psycopg2
import pytest

from genims_assets.audit import outbox, outbox_ship
from genims_assets.audit.accounts import ensure_accounts
from genims_assets.audit.outbox_ship import (
    acknowledge,
    claim_pending,
    external_heads,
    outbox_rows,
    ship_outbox,
    store_batch,
)
from genims_assets.audit.store import ZERO_HASH, StoreError, connect_store, row_hash, table_specs, write_batch
from genims_assets.audit.verify import verify_table
from genims_assets.connections import mysql_connect, postgres_connect, postgres_connect_args
from genims_assets.platform_setup.mysql_schema import AUDIT, apply_layer
from genims_assets.settings import SOURCE_DATABASES, Settings

# ---------------------------------------------------------------- the shared gstore platform


def gstore_env(tag: str) -> dict[str, str]:
    env = {
        "MYSQL_AUDIT_DB": f"gstore_{tag}_audit_db",
        "DAGSTER_PG_DB": f"gstore_{tag}_dagster",
        "MYSQL_ADMIN_USER": "root",
        "MYSQL_ADMIN_PASSWORD": "",
    }
    for short in SOURCE_DATABASES:
        env[f"POSTGRES_DB_{short.upper()}"] = f"gstore_{tag}_{short}_db"
    for prefix, role in (("MYSQL_AUDIT", "ship"), ("MYSQL_AUDIT_READER", "read"), ("MYSQL_AUDIT_RETENTION", "keep")):
        env[f"{prefix}_USER"] = f"gstore_{tag}_{role}"
        env[f"{prefix}_PASSWORD"] = secrets.token_urlsafe(18)
    return env


def admin_sql(settings: Settings, *statements: str, params: tuple | None = None, database: str | None = None) -> list:
    """Run statements as the MySQL admin (root: what an attacker with root could do); rows of the last one."""
    conn = mysql_connect(settings.admin_target(settings.audit), database=database, autocommit=True)
    try:
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement, params)
            return list(cur.fetchall())
    finally:
        conn.close()


def postgres_sql(settings: Settings, statement: str, database: str = "postgres") -> None:
    conn = psycopg2.connect(dbname=database, **postgres_connect_args(settings.postgres))
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(statement)
    finally:
        conn.close()


@contextmanager
def own_dagster_database(settings: Settings, name: str) -> Iterator[None]:
    """A fresh PostgreSQL database for a Dagster instance, DAGSTER_PG_DB (which dagster.yaml reads) pointing at it
    meanwhile; dropped afterwards."""
    postgres_sql(settings, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    postgres_sql(settings, f'CREATE DATABASE "{name}"')
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DAGSTER_PG_DB", name)
            yield
    finally:
        postgres_sql(settings, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _forget_caches(settings: Settings) -> None:
    key = (settings.postgres.address, settings.dagster_database)
    outbox._READY.discard(key)
    outbox_ship._HEADS_READY.discard(key)


def tear_down(settings: Settings) -> None:
    admin_sql(settings, f"DROP DATABASE IF EXISTS `{settings.audit.database}`")
    for account in settings.audit_accounts():
        admin_sql(settings, "DROP USER IF EXISTS %s@'%%'", params=(account.user,))
    for database in (settings.dagster_database, *settings.postgres.databases.values()):
        postgres_sql(settings, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    _forget_caches(settings)


def build(settings: Settings) -> None:
    tear_down(settings)
    postgres_sql(settings, f'CREATE DATABASE "{settings.dagster_database}"')
    apply_layer(AUDIT, settings.admin_target(settings.audit), datetime.now(UTC).date(), lambda _line: None)
    ensure_accounts(settings)


@contextmanager
def gstore_platform(tag: str) -> Iterator[Settings]:
    settings = Settings.from_env({**os.environ, **gstore_env(tag)})
    build(settings)
    try:
        yield settings
    finally:
        tear_down(settings)


def stored_rows(settings: Settings, table: str) -> list[dict]:
    """Every row of an audit table in sequence order, as PyMySQL returns it (read as the admin)."""
    conn = mysql_connect(settings.admin_target(settings.audit))
    try:
        with conn.cursor() as cur:
            cur.execute(f"SELECT * FROM `{table}` ORDER BY 1")
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        conn.close()


def chain_is_valid(rows: list[dict], table: str) -> bool:
    previous = ZERO_HASH
    for row in rows:
        if row_hash(previous, table, row) != row["row_hash"]:
            return False
        previous = row["row_hash"]
    return True


def sequences(rows: list[dict], table: str) -> list[int]:
    return [row[table_specs(table)[0].name] for row in rows]


def change_rows(first_event: int, count: int, database: str = "genims_erp_db", when: datetime | None = None):
    when = when or datetime.now(UTC).replace(tzinfo=None)
    return [
        {
            "audit_timestamp": when + timedelta(microseconds=i),
            "source_database": database,
            "source_event_id": first_event + i,
            "table_name": "sales_orders",
            "primary_key_value": f"SO-{first_event + i}",
            "operation": "UPDATE",
            "old_values": {"status": "open", "amount": 10.5},
            "new_values": {"status": "shipped", "amount": 10.5},
            "changed_columns": ["status"],
            "user_id": "u.smith",
            "status": "committed",
        }
        for i in range(count)
    ]


# ---------------------------------------------------------------- this module's platform


@pytest.fixture(scope="module")
def platform() -> Iterator[Settings]:
    with gstore_platform("store") as settings:
        yield settings


def clean_platform(settings: Settings) -> Settings:
    """Empty audit tables (TRUNCATE as the admin), counters at 0, no outbox and no external heads."""
    tables = [r[0] for r in admin_sql(settings, "SHOW TABLES", database=settings.audit.database)]
    admin_sql(
        settings,
        *[f"TRUNCATE TABLE `{t}`" for t in tables if t != "audit_sequence_manager"],
        "UPDATE audit_sequence_manager SET last_sequence = 0, last_row_hash = REPEAT('0', 64)",
        database=settings.audit.database,
    )
    postgres_sql(settings, "DROP SCHEMA IF EXISTS genims_audit CASCADE", settings.dagster_database)
    _forget_caches(settings)
    return settings


@pytest.fixture
def clean(platform: Settings) -> Settings:
    return clean_platform(platform)


# ---------------------------------------------------------------- write_batch


def test_sequences_are_gapless_and_the_chain_links_across_batches(clean):
    conn = connect_store(clean)
    try:
        first = write_batch(conn, {"system_audit_log": change_rows(1, 5)}, "t")["system_audit_log"]
        second = write_batch(conn, {"system_audit_log": change_rows(6, 7)}, "t")["system_audit_log"]
    finally:
        conn.close()
    assert (first.inserted, first.sequence_from, first.sequence_to, first.method) == (5, 1, 5, "load_data")
    assert (second.inserted, second.sequence_from, second.sequence_to) == (7, 6, 12)
    rows = stored_rows(clean, "system_audit_log")
    assert sequences(rows, "system_audit_log") == list(range(1, 13))
    assert chain_is_valid(rows, "system_audit_log")
    assert second.last_row_hash == rows[-1]["row_hash"]
    counter = admin_sql(
        clean,
        "SELECT last_sequence, last_row_hash, last_assigned_by FROM audit_sequence_manager WHERE table_name = %s",
        params=("system_audit_log",),
        database=clean.audit.database,
    )
    assert counter == [(12, rows[-1]["row_hash"], "t")]


def test_every_column_type_round_trips_through_the_canonical_form(clean):
    now = datetime(2026, 11, 24, 10, 11, 12, 345678, tzinfo=UTC)
    text = 'Zoë\'s "naïve" café ☕ 𝄞\ttab\nnewline\\backslash'
    rows = {
        "integrity_verification_log": [
            {
                "verification_timestamp": now,
                "verification_id": "v-1",
                "table_name": "system_audit_log",
                "sequence_from": 1,
                "sequence_to": 2**64 - 1,  # BIGINT UNSIGNED at its maximum
                "rows_checked": 0,
                "hash_chain_valid": True,  # TINYINT(1) from a bool
                "expected_hash": "ab" * 32 + "   ",  # CHAR: MySQL drops trailing spaces
                "duration_seconds": Decimal("1.2345"),  # DECIMAL(12,3): rounded half up like MySQL
                "result": "pass",
                "details": {"z": [1, 2.5, None], "a": {"ü": text}},
                "outbox_event_id": 1,
            },
            {
                "verification_timestamp": "2026-11-24 10:11:12",
                "verification_id": "v-2",
                "table_name": "t",
                "rows_checked": -5,
                "duration_seconds": 0.1,
                "result": "fail",
                "details": '{"b": 1, "a": [true, false]}',  # JSON text, re-canonicalised
                "outbox_event_id": 2,
            },
        ],
        "legal_hold_tracking": [
            {
                "event_timestamp": now - timedelta(days=1),
                "hold_id": "H-1",
                "case_reference": "Case ⚖ 42",
                "event_type": "placed",
                "status": "active",
                "date_from": date(2020, 1, 31),  # DATE
                "date_to": "2021-02-01",
                "notes": text * 100,  # TEXT with 4-byte characters
            }
        ],
        "database_changes": [
            {
                "change_timestamp": now,
                "source_database": "genims_crm_db",
                "source_event_id": 1,
                "operation": "DDL",
                "command_tag": "ALTER TABLE",
                "statement_text": "ALTER TABLE x ADD COLUMN y text -- " + text,  # MEDIUMTEXT
            }
        ],
    }
    conn = connect_store(clean)
    try:
        writes = write_batch(conn, rows, "t")
    finally:
        conn.close()
    assert {t: w.inserted for t, w in writes.items()} == {t: len(r) for t, r in rows.items()}
    for table in rows:
        stored = stored_rows(clean, table)
        assert chain_is_valid(stored, table), table
        conn = mysql_connect(clean.audit)
        try:
            assert verify_table(conn, table).ok
        finally:
            conn.close()
    first, second = stored_rows(clean, "integrity_verification_log")
    assert first["sequence_to"] == 2**64 - 1 and first["hash_chain_valid"] == 1
    assert first["duration_seconds"] == Decimal("1.235") and second["duration_seconds"] == Decimal("0.100")
    assert first["verification_timestamp"] == datetime(2026, 11, 24, 10, 11, 12, 345678)
    assert first["expected_hash"] == "ab" * 32 and second["hash_chain_valid"] == 0 and second["sequence_to"] is None
    assert json.loads(first["details"]) == {"a": {"ü": text}, "z": [1, 2.5, None]}
    assert second["details"] == '{"a":[true,false],"b":1}'
    hold = stored_rows(clean, "legal_hold_tracking")[0]
    assert (
        hold["notes"] == text * 100 and hold["date_from"] == date(2020, 1, 31) and hold["date_to"] == date(2021, 2, 1)
    )
    assert stored_rows(clean, "database_changes")[0]["statement_text"].endswith(text)


def test_json_numbers_keep_every_digit_and_the_chain_verifies(clean):
    old_text = '{"price": 80.0000, "big": 12345678901234567890.123456789, "tiny": 1e-30, "n": 7}'
    new_value = {"price": Decimal("80.0000"), "big": Decimal("12345678901234567890.123456789"), "tiny": 1e-30}
    row = {**change_rows(1, 1)[0], "old_values": old_text, "new_values": new_value}
    conn = connect_store(clean)
    try:
        write_batch(conn, {"system_audit_log": [row]}, "t")
    finally:
        conn.close()
    stored = stored_rows(clean, "system_audit_log")[0]
    tiny = "0.000000000000000000000000000001"
    assert stored["old_values"] == (
        f'{{"big":12345678901234567890.123456789,"n":7,"price":80.0000,"tiny":{tiny}}}'
    )  # as captured: no digit lost, no float rounding, plain notation like PostgreSQL's jsonb
    assert stored["new_values"] == f'{{"big":12345678901234567890.123456789,"price":80.0000,"tiny":{tiny}}}'
    exact = json.loads(stored["old_values"], parse_float=Decimal)
    assert exact["big"] == Decimal("12345678901234567890.123456789") and exact["tiny"] == Decimal("1e-30")
    assert chain_is_valid([stored], "system_audit_log")
    conn = mysql_connect(clean.audit)
    try:
        assert verify_table(conn, "system_audit_log").ok
    finally:
        conn.close()


def test_rows_from_then_commit_in_the_same_transaction_as_the_batch(clean):
    def log_rows(writes):
        write = writes["system_audit_log"]
        return {"audit_etl_sync_log": [sync_row(write.inserted, write.sequence_from, write.sequence_to)]}

    conn = connect_store(clean)
    try:
        writes = write_batch(
            conn, {"system_audit_log": change_rows(1, 4)}, "t", then=log_rows, then_tables=["audit_etl_sync_log"]
        )
        assert writes["audit_etl_sync_log"].inserted == 1 and writes["system_audit_log"].inserted == 4

        def failing(_writes):
            raise RuntimeError("crash while logging")

        with pytest.raises(RuntimeError, match="crash while logging"):
            write_batch(
                conn, {"system_audit_log": change_rows(10, 3)}, "t", then=failing, then_tables=["audit_etl_sync_log"]
            )
        with pytest.raises(StoreError, match="not named in then_tables"):
            write_batch(conn, {"system_audit_log": change_rows(20, 3)}, "t", then=log_rows)
    finally:
        conn.close()
    batch, logged = stored_rows(clean, "system_audit_log"), stored_rows(clean, "audit_etl_sync_log")
    assert sequences(batch, "system_audit_log") == [1, 2, 3, 4]  # the failed follow-ups took their batches along
    assert [(r["rows_inserted"], r["sequence_from"], r["sequence_to"]) for r in logged] == [(4, 1, 4)]
    assert chain_is_valid(logged, "audit_etl_sync_log") and chain_is_valid(batch, "system_audit_log")


def sync_row(inserted: int, first: int | None, last: int | None) -> dict:
    now = datetime.now(UTC).replace(tzinfo=None)
    return {
        "shipment_timestamp": now,
        "batch_id": secrets.token_hex(8),
        "source_database": "genims_erp_db",
        "source_queue_table": "genims_audit.change_queue",
        "target_table": "system_audit_log",
        "source_event_id_from": 1,
        "source_event_id_to": inserted,
        "rows_read": inserted,
        "rows_inserted": inserted,
        "rows_duplicate": 0,
        "sequence_from": first,
        "sequence_to": last,
        "started_at": now,
        "finished_at": now,
        "duration_seconds": 0,
        "load_method": "load_data",
        "status": "success",
        "run_id": None,
    }


def test_a_replayed_batch_inserts_nothing_and_leaves_no_gap(clean):
    # A replay carries the same events: same source ids and event times (the key includes the time).
    base = datetime(2026, 11, 24, 8, 0, 0)
    batch = change_rows(100, 50, when=base)
    conn = connect_store(clean)
    try:
        write_batch(conn, {"system_audit_log": batch}, "t")
        replay = write_batch(conn, {"system_audit_log": batch}, "t")["system_audit_log"]
        # Half old, half new, and a row repeated inside the batch.
        at = lambda event: base + timedelta(microseconds=event - 100)  # noqa: E731
        mixed = change_rows(125, 50, when=at(125)) + change_rows(160, 1, when=at(160))
        partial = write_batch(conn, {"system_audit_log": mixed}, "t")["system_audit_log"]
    finally:
        conn.close()
    assert (replay.inserted, replay.duplicates, replay.sequence_from, replay.last_sequence) == (0, 50, None, 50)
    assert (partial.inserted, partial.duplicates, partial.sequence_from, partial.sequence_to) == (25, 26, 51, 75)
    rows = stored_rows(clean, "system_audit_log")
    assert sequences(rows, "system_audit_log") == list(range(1, 76))
    assert sorted(r["source_event_id"] for r in rows) == list(range(100, 175))
    assert chain_is_valid(rows, "system_audit_log")


def test_two_concurrent_writers_of_one_table_stay_gapless(clean):
    errors: list[BaseException] = []

    def writer(offset: int) -> None:
        try:
            conn = connect_store(clean)
            try:
                for batch in range(8):
                    write_batch(conn, {"system_audit_log": change_rows(offset + batch * 300, 300)}, f"w{offset}")
            finally:
                conn.close()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(offset,)) for offset in (0, 1_000_000)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = stored_rows(clean, "system_audit_log")
    assert sequences(rows, "system_audit_log") == list(range(1, 4801))
    assert {r["source_event_id"] // 1_000_000 for r in rows} == {0, 1}
    assert chain_is_valid(rows, "system_audit_log")


@pytest.mark.parametrize(
    ("row_change", "message"),
    [
        ({"surprise": 1}, "unknown column(s) surprise"),
        ({"audit_sequence": 7}, "assigned by the store, leave it out"),
        ({"operation": None}, "column operation (VARCHAR(16)) is NOT NULL and has no default"),
        ({"operation": "X" * 17}, "longer than 16 characters"),
        ({"audit_timestamp": "yesterday"}, "needs a UTC datetime"),
        ({"source_event_id": "12"}, "needs a whole number"),
        ({"duration_ms": "abc"}, "needs a finite number"),
        ({"duration_ms": Decimal("1e10")}, "does not fit DECIMAL(12,3)"),
        ({"old_values": "{not json"}, "is not valid JSON"),
    ],
)
def test_bad_rows_are_refused_before_anything_is_written(clean, row_change, message):
    good = change_rows(1, 3)
    bad = change_rows(10, 3)
    bad[1] = {k: v for k, v in {**bad[1], **row_change}.items()}
    conn = connect_store(clean)
    try:
        with pytest.raises(ValueError) as refused:
            write_batch(conn, {"database_changes": [], "system_audit_log": good + bad}, "t")
    finally:
        conn.close()
    assert message in str(refused.value) and "system_audit_log row 4" in str(refused.value)
    assert stored_rows(clean, "system_audit_log") == []
    counter = admin_sql(
        clean,
        "SELECT last_sequence FROM audit_sequence_manager WHERE table_name = 'system_audit_log'",
        database=clean.audit.database,
    )
    assert counter == [(0,)]


def test_a_bad_row_in_a_later_chunk_rolls_back_the_earlier_chunks(clean, monkeypatch):
    from genims_assets.audit import store

    monkeypatch.setattr(store, "LOAD_CHUNK_ROWS", 10)
    rows = change_rows(1, 45)
    rows[40]["changed_columns"] = {1, 2}  # a set is not JSON: found only when chunk 5 is normalised
    conn = connect_store(clean)
    try:
        with pytest.raises(ValueError, match="system_audit_log row 40: column changed_columns"):
            write_batch(conn, {"system_audit_log": rows}, "t")
        ok = write_batch(conn, {"system_audit_log": change_rows(1, 25)}, "t")["system_audit_log"]
    finally:
        conn.close()
    assert (ok.sequence_from, ok.sequence_to) == (1, 25)
    assert sequences(stored_rows(clean, "system_audit_log"), "system_audit_log") == list(range(1, 26))


def test_without_local_infile_the_executemany_fallback_writes_the_same_chain(clean):
    conn = mysql_connect(clean.audit, local_infile=False)
    try:
        write = write_batch(conn, {"system_audit_log": change_rows(1, 30)}, "t")["system_audit_log"]
    finally:
        conn.close()
    assert (write.method, write.inserted) == ("executemany", 30)
    rows = stored_rows(clean, "system_audit_log")
    assert sequences(rows, "system_audit_log") == list(range(1, 31)) and chain_is_valid(rows, "system_audit_log")


def test_a_load_the_server_warns_about_is_refused_and_a_clean_one_asks_for_no_warnings(clean):
    """LOAD DATA LOCAL turns bad values into warnings; the loader reads their count from the statement's answer
    (no SHOW WARNINGS round trip when it is 0) and refuses a chunk with any, naming the server's warning."""
    from genims_assets.audit.store import _Loader, _start

    conn = mysql_connect(clean.admin_target(clean.audit), local_infile=True)
    statements: list[str] = []
    try:
        _start(conn)
        with conn.cursor() as cur:
            cur.execute("CREATE TEMPORARY TABLE warned (n INT NOT NULL, code VARCHAR(3) NOT NULL)")
            execute = cur.execute
            cur.execute = lambda query, args=None: statements.append(query) or execute(query, args)
            loader = _Loader(cur)
            loader.submit(["1\tabc", "2\txyz"], ("warned", ["n", "code"], [], [], []))
            loader.wait()
            clean_load = list(statements)
            loader.submit(["3\tabcdef"], ("warned", ["n", "code"], [], [], []))
            with pytest.raises(StoreError, match=r"warned: MySQL took 1 of 1 rows \(1265: Data truncated"):
                loader.wait()
            loader.close()
    finally:
        conn.rollback()
        conn.close()
    assert [s.split()[0] for s in clean_load] == ["LOAD"]
    assert [s.split()[0] for s in statements] == ["LOAD", "LOAD", "SHOW"]


def column_rows(first_event: int, count: int, when: datetime) -> list[dict]:
    return [
        {
            "change_timestamp": when + timedelta(microseconds=i),
            "source_database": "genims_erp_db",
            "source_event_id": first_event + i,
            "table_name": "sales_orders",
            "operation": "UPDATE",
            "column_name": "status",
            "old_value": "open",
            "new_value": "shipped\twith a tab",
            "change_type": "modified",
        }
        for i in range(count)
    ]


def test_chunks_of_several_tables_stream_in_one_transaction_and_a_late_bad_value_rolls_all_back(clean, monkeypatch):
    from genims_assets.audit import store

    monkeypatch.setattr(store, "LOAD_CHUNK_ROWS", 7)  # 3 chunks of data_change_audit, then 4 of system_audit_log
    when = datetime.now(UTC).replace(tzinfo=None)
    bad = change_rows(1, 25, when=when)
    bad[23]["changed_columns"] = {1, 2}  # not JSON: found in the last chunk, after data_change_audit was loaded
    conn = connect_store(clean)
    try:
        with pytest.raises(ValueError, match="system_audit_log row 23: column changed_columns"):
            write_batch(conn, {"system_audit_log": bad, "data_change_audit": column_rows(1, 20, when)}, "t")
        assert stored_rows(clean, "data_change_audit") == []  # its loaded chunks went with the rollback
        good = {"system_audit_log": change_rows(1, 25, when=when), "data_change_audit": column_rows(1, 20, when)}
        writes = write_batch(conn, good, "t")
    finally:
        conn.close()
    for table, count in (("system_audit_log", 25), ("data_change_audit", 20)):
        write = writes[table]
        assert (write.inserted, write.sequence_from, write.sequence_to, write.method) == (count, 1, count, "load_data")
        rows = stored_rows(clean, table)
        assert sequences(rows, table) == list(range(1, count + 1)) and chain_is_valid(rows, table)
        assert write.last_row_hash == rows[-1]["row_hash"]
    assert stored_rows(clean, "data_change_audit")[0]["new_value"] == "shipped\twith a tab"
    heads = admin_sql(
        clean,
        "SELECT table_name, last_sequence FROM audit_sequence_manager WHERE last_sequence > 0 ORDER BY 1",
        database=clean.audit.database,
    )
    assert heads == [("data_change_audit", 20), ("system_audit_log", 25)]


def test_canonical_json_from_the_classifier_is_stored_as_it_is_and_other_text_is_canonicalised(clean):
    from genims_assets.audit.canonical_json import CanonicalJson, canonical_json

    made = canonical_json({"b": Decimal("80.0000"), "a": ["x", None, 1]})
    assert type(made) is CanonicalJson and made == '{"a":["x",null,1],"b":80.0000}'
    rows = change_rows(1, 3)
    rows[0]["new_values"] = made
    rows[1]["new_values"] = '{ "b" : 80.0000, "a": ["x", null, 1] }'  # producer's JSON text: canonicalised
    rows[2]["new_values"] = {"a": ["x", None, 1], "b": Decimal("80.0000")}
    conn = connect_store(clean)
    try:
        write_batch(conn, {"system_audit_log": rows}, "t")
        assert verify_table(conn, "system_audit_log").ok
    finally:
        conn.close()
    stored = stored_rows(clean, "system_audit_log")
    assert [r["new_values"] for r in stored] == [made] * 3 and chain_is_valid(stored, "system_audit_log")


def test_without_local_infile_every_table_of_a_batch_falls_back_to_executemany(clean):
    when = datetime.now(UTC).replace(tzinfo=None)
    conn = mysql_connect(clean.audit, local_infile=False)
    try:
        writes = write_batch(
            conn, {"system_audit_log": change_rows(1, 12, when=when), "data_change_audit": column_rows(1, 5, when)}, "t"
        )
    finally:
        conn.close()
    assert {t: (w.method, w.inserted) for t, w in writes.items()} == {
        "data_change_audit": ("executemany", 5),
        "system_audit_log": ("executemany", 12),
    }
    for table in writes:
        assert chain_is_valid(stored_rows(clean, table), table)


@pytest.mark.parametrize("local_infile", [True, False])
def test_a_batch_prepared_ahead_writes_the_same_chain_and_replays_as_duplicates(clean, monkeypatch, local_infile):
    from genims_assets.audit import store
    from genims_assets.audit.store import prepare_batch

    monkeypatch.setattr(store, "LOAD_CHUNK_ROWS", 6)
    when = datetime.now(UTC).replace(tzinfo=None)
    conn = mysql_connect(clean.audit, local_infile=local_infile)
    try:
        first = write_batch(conn, prepare_batch({"system_audit_log": change_rows(1, 10, when=when)}), "t")
        # rows 6..15: 6..10 are stored already, 11..15 are new; the rest of a prepared table is kept in step
        mixed = prepare_batch(
            {
                "system_audit_log": change_rows(6, 10, when=when + timedelta(microseconds=5)),
                "data_change_audit": column_rows(1, 14, when),
            }  # fmt: skip
        )
        second = write_batch(conn, mixed, "t")
        replay = write_batch(conn, prepare_batch({"data_change_audit": column_rows(1, 14, when)}), "t")
        with pytest.raises(ValueError, match="system_audit_log row 2: column changed_columns"):
            bad = change_rows(30, 3, when=when)
            bad[2]["changed_columns"] = {1}
            prepare_batch({"system_audit_log": bad})
    finally:
        conn.close()
    method = "load_data" if local_infile else "executemany"
    assert (first["system_audit_log"].inserted, first["system_audit_log"].method) == (10, method)
    audit = second["system_audit_log"]
    assert (audit.inserted, audit.duplicates, audit.sequence_from, audit.sequence_to) == (5, 5, 11, 15)
    assert (second["data_change_audit"].inserted, replay["data_change_audit"].duplicates) == (14, 14)
    for table, count in (("system_audit_log", 15), ("data_change_audit", 14)):
        rows = stored_rows(clean, table)
        assert sequences(rows, table) == list(range(1, count + 1)) and chain_is_valid(rows, table)
    stored = stored_rows(clean, "system_audit_log")
    assert [r["source_event_id"] for r in stored] == list(range(1, 16))
    assert second["system_audit_log"].last_row_hash == stored[-1]["row_hash"]


def test_datetimes_naive_utc_and_other_offsets_normalise_to_the_same_utc_text():
    from datetime import timezone

    from genims_assets.audit.store import prepare_rows

    base = datetime(2026, 11, 24, 10, 30, 15)
    values = [base, base.replace(tzinfo=UTC), (base + timedelta(hours=5, minutes=30)).replace(
        tzinfo=timezone(timedelta(hours=5, minutes=30))), base.replace(tzinfo=timezone(timedelta(0))),
        "2026-11-24 10:30:15", base.replace(microsecond=7, tzinfo=UTC)]  # fmt: skip
    for group in (values[:2], values[:4], values[1:5], values[5:]):  # the fast path, the checked loop, mixed
        rows = change_rows(1, len(group))
        for row, value in zip(rows, group, strict=True):
            row["audit_timestamp"] = value
        texts = prepare_rows("system_audit_log", rows).columns[0]
        expected = "2026-11-24 10:30:15.000007" if group == values[5:] else "2026-11-24 10:30:15.000000"
        assert texts == [expected] * len(group)


def test_the_decimal_marks_of_the_json_encoder_never_alter_a_string():
    from genims_assets.audit.canonical_json import _MARK, canonical_json, canonical_json_text

    assert canonical_json({"a": Decimal("1.50"), "b": "ends with \x1f", "c": Decimal("2E+2")}) == (
        '{"a":1.50,"b":"ends with \\u001f","c":200}'
    )
    tricky = {"a": Decimal("-0E+1"), "m": _MARK + "1.5\x1f"}  # a string that looks like a marked number
    assert canonical_json(tricky) == '{"a":0,"m":' + json.dumps(_MARK + "1.5\x1f") + "}"
    assert canonical_json_text('{"z": 1e-7, "a": 0.10}') == '{"a":0.10,"z":0.0000001}'


def test_a_counter_moved_back_is_refused(clean):
    conn = connect_store(clean)
    try:
        write_batch(conn, {"system_audit_log": change_rows(1, 10)}, "t")
        admin_sql(
            clean,
            "UPDATE audit_sequence_manager SET last_sequence = 4 WHERE table_name = 'system_audit_log'",
            database=clean.audit.database,
        )
        with pytest.raises(StoreError, match="holds sequence 10 but audit_sequence_manager says 4"):
            write_batch(conn, {"system_audit_log": change_rows(20, 3)}, "t")
    finally:
        conn.close()
    assert len(stored_rows(clean, "system_audit_log")) == 10


def test_an_open_transaction_on_the_connection_is_refused(clean):
    conn = connect_store(clean)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM system_audit_log")
        with pytest.raises(StoreError, match="without an open transaction"):
            write_batch(conn, {"system_audit_log": change_rows(1, 1)}, "t")
    finally:
        conn.close()


def test_store_batch_moves_the_external_head_forward_only(clean):
    store_batch(clean, {"system_audit_log": change_rows(1, 4)}, "t")
    head = external_heads(clean)["system_audit_log"]
    rows = stored_rows(clean, "system_audit_log")
    assert head == (4, rows[-1]["row_hash"])
    stale = {"system_audit_log": outbox_ship.TableWrite("system_audit_log", 0, 0, None, None, 2, "0" * 64, "none")}
    outbox_ship.update_chain_heads(clean, stale)
    assert external_heads(clean)["system_audit_log"] == head


# ---------------------------------------------------------------- ship_outbox


def access_rows(count: int, when: datetime) -> list[dict]:
    return [
        {
            "access_timestamp": when + timedelta(seconds=i),
            "user_id": "auditor",
            "access_type": "export",
            "database_name": "genims_reporting_db",
            "table_name": "sales_order_summary",
            "row_count": i,
            "outcome": "success",
        }
        for i in range(count)
    ]


def job_rows(count: int, when: datetime) -> list[dict]:
    return [
        {"event_timestamp": when, "run_id": f"run-{i}", "job_name": "reporting", "run_status": "success"}
        for i in range(count)
    ]


def pending(settings: Settings) -> int:
    conn = postgres_connect(settings.postgres, settings.dagster_database)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM genims_audit.platform_outbox WHERE shipped_at IS NULL")
            return cur.fetchone()[0]
    finally:
        conn.close()


def test_ship_outbox_moves_each_row_once(clean):
    now = datetime.now(UTC)
    ids = outbox.record(clean, "data_access_log", access_rows(7, now), producer="t")
    outbox.record(clean, "job_execution_audit", job_rows(3, now), producer="t")
    shipped = ship_outbox(clean, batch_size=4)
    again = ship_outbox(clean)
    assert (shipped.events_read, shipped.events_shipped, shipped.inserted, shipped.batches) == (10, 10, 10, 3)
    assert (again.events_read, again.inserted) == (0, 0) and pending(clean) == 0
    access = stored_rows(clean, "data_access_log")
    assert [r["outbox_event_id"] for r in access] == ids and sequences(access, "data_access_log") == list(range(1, 8))
    assert chain_is_valid(access, "data_access_log")
    assert external_heads(clean)["data_access_log"] == (7, access[-1]["row_hash"])
    assert len(stored_rows(clean, "job_execution_audit")) == 3


def test_ship_outbox_survives_a_crash_between_the_mysql_commit_and_the_acknowledgement(clean):
    now = datetime.now(UTC)
    outbox.record(clean, "data_access_log", access_rows(6, now), producer="t")
    outbox.record(clean, "job_execution_audit", job_rows(2, now), producer="t")
    outbox_ship.ensure_chain_heads(clean)
    # The first run: claims, writes and commits in MySQL, then dies before PostgreSQL commits the marks.
    pg = postgres_connect(clean.postgres, clean.dagster_database)
    try:
        with pg.cursor() as cur:
            events = claim_pending(cur, None, None, 100)
            rows, event_ids, rejected = outbox_rows(events)
            conn = connect_store(clean)
            try:
                writes = write_batch(conn, rows, "crashing")
            finally:
                conn.close()
            acknowledge(clean, cur, event_ids, writes)
        pg.rollback()  # the crash: the acknowledgement never commits
    finally:
        pg.close()
    assert rejected == {} and sum(w.inserted for w in writes.values()) == 8 and pending(clean) == 8
    rerun = ship_outbox(clean)
    assert (rerun.events_shipped, rerun.inserted, rerun.duplicates) == (8, 0, 8) and pending(clean) == 0
    access = stored_rows(clean, "data_access_log")
    assert sequences(access, "data_access_log") == list(range(1, 7)) and chain_is_valid(access, "data_access_log")
    assert len(stored_rows(clean, "job_execution_audit")) == 2
    assert external_heads(clean)["data_access_log"] == (6, access[-1]["row_hash"])


def test_a_bad_payload_is_set_aside_and_the_rest_ships(clean):
    now = datetime.now(UTC)
    good = outbox.record(clean, "data_access_log", access_rows(2, now), producer="t")
    conn = postgres_connect(clean.postgres, clean.dagster_database)
    try:
        with conn, conn.cursor() as cur:
            payload = {**access_rows(1, now)[0], "colour": "red"}
            cur.execute(
                "INSERT INTO genims_audit.platform_outbox (event_time, target_table, payload, producer) "
                "VALUES (%s, 'data_access_log', %s::jsonb, 'buggy') RETURNING event_id",
                (now, json.dumps(payload, default=str)),
            )
            bad = cur.fetchone()[0]
            cur.execute(
                "INSERT INTO genims_audit.platform_outbox (event_time, target_table, payload, producer) "
                "VALUES (%s, 'no_such_table', '{}'::jsonb, 'buggy') RETURNING event_id",
                (now,),
            )
            unknown = cur.fetchone()[0]
    finally:
        conn.close()
    shipment = ship_outbox(clean)
    assert shipment.inserted == 2 and sorted(shipment.rejected) == [bad, unknown]
    assert f"outbox event {bad}" in shipment.rejected[bad] and "colour" in shipment.rejected[bad]
    assert "'no_such_table' is not an audit table" in shipment.rejected[unknown]
    assert [r["outbox_event_id"] for r in stored_rows(clean, "data_access_log")] == good
    assert pending(clean) == 2  # kept, never lost


def test_a_producer_that_commits_after_later_ones_is_still_shipped(clean):
    now = datetime.now(UTC)
    outbox.ensure_outbox(clean)
    slow = postgres_connect(clean.postgres, clean.dagster_database)
    try:
        with slow.cursor() as cur:
            early = outbox.record(clean, "data_access_log", access_rows(1, now), producer="slow", cursor=cur)
            late = outbox.record(clean, "data_access_log", access_rows(1, now + timedelta(seconds=5)), producer="fast")
            assert late[0] > early[0]
            first = ship_outbox(clean)  # sees only the committed, later id
        slow.commit()
    finally:
        slow.close()
    second = ship_outbox(clean)
    assert (first.inserted, second.inserted) == (1, 1)
    assert sorted(r["outbox_event_id"] for r in stored_rows(clean, "data_access_log")) == sorted(early + late)


def test_ship_outbox_can_be_limited_to_tables_and_a_day(clean):
    today = datetime.now(UTC).replace(hour=12, minute=0)
    outbox.record(clean, "data_access_log", access_rows(2, today - timedelta(days=2)), producer="t")
    outbox.record(clean, "data_access_log", access_rows(3, today), producer="t")
    outbox.record(clean, "job_execution_audit", job_rows(1, today), producer="t")
    day = ship_outbox(clean, tables=["data_access_log"], day=today.date())
    assert (day.inserted, pending(clean)) == (3, 3)
    with pytest.raises(ValueError, match="'nope' is not an audit table"):
        ship_outbox(clean, tables=["nope"])
