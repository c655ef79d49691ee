"""The MySQL load path: atomic slice replacement, shadow swap, LOCAL INFILE fallback, serialised loads."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from datetime import date, timedelta

import pytest

from genims_assets.connections import mysql_connect
from genims_assets.mysql_load import LoadPolicy, replace_slice

TABLE = "load_probe"
DDL = f"""CREATE TABLE {TABLE} (
    report_date DATE NOT NULL, item VARCHAR(20) NOT NULL, qty DECIMAL(12,3) NULL, note VARCHAR(100) NULL,
    PRIMARY KEY (report_date, item)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
PARTITION BY RANGE COLUMNS(report_date)
(PARTITION p1 VALUES LESS THAN ('2026-02-01'), PARTITION pmax VALUES LESS THAN (MAXVALUE))"""
DAY = date(2026, 1, 10)
COLUMNS = ("report_date", "item", "qty", "note")


@pytest.fixture
def target(settings):
    conn = mysql_connect(settings.reporting, database=None, autocommit=True)
    with conn.cursor() as cur:
        cur.execute("CREATE DATABASE IF NOT EXISTS gtest_load_probe CHARACTER SET utf8mb4")
        cur.execute("DROP TABLE IF EXISTS gtest_load_probe.load_probe")
        cur.execute(DDL.replace(f"CREATE TABLE {TABLE}", f"CREATE TABLE gtest_load_probe.{TABLE}"))
    conn.close()

    def connect(local_infile: bool = False, **_):
        return mysql_connect(settings.reporting, database="gtest_load_probe", local_infile=local_infile)

    yield connect
    conn = mysql_connect(settings.reporting, database=None, autocommit=True)
    with conn.cursor() as cur:
        cur.execute("DROP DATABASE gtest_load_probe")
    conn.close()


def rows_for(day: date, n: int, tag: str = "") -> list[tuple]:
    return [(day, f"item{i:05d}", i * 1.5, f"tab\there\\ and 'quote' {tag}" if i % 7 == 0 else None) for i in range(n)]


def read(connect, day: date) -> list[tuple]:
    conn = connect()
    with conn.cursor() as cur:
        cur.execute(f"SELECT report_date, item, qty, note FROM {TABLE} WHERE report_date = %s ORDER BY item", (day,))
        rows = cur.fetchall()
    conn.close()
    return rows


@contextmanager
def counts_seen(connect, query: str, day: date):
    """The counts a reader in its own session sees, polling `query` as fast as it can while the block runs."""
    seen: list[int] = []
    stop = threading.Event()

    def poll():
        conn = connect()
        conn.autocommit(True)
        with conn.cursor() as cur:
            while not stop.is_set():
                cur.execute(query, (day,))
                seen.append(cur.fetchone()[0])
        conn.close()

    reader = threading.Thread(target=poll)
    reader.start()
    try:
        yield seen
    finally:
        stop.set()
        reader.join()


def test_replacing_a_slice_is_idempotent_and_keeps_other_days(target):
    other = DAY + timedelta(days=1)
    replace_slice(target, "gtest_load_probe", TABLE, COLUMNS, rows_for(other, 5), slice_column="report_date",
                  slice_start=other, slice_end=other + timedelta(days=1))
    first = replace_slice(target, "gtest_load_probe", TABLE, COLUMNS, rows_for(DAY, 1000), slice_column="report_date",
                          slice_start=DAY, slice_end=DAY + timedelta(days=1), policy=LoadPolicy(batch_size=300))
    snapshot = read(target, DAY)
    second = replace_slice(target, "gtest_load_probe", TABLE, COLUMNS, rows_for(DAY, 1000), slice_column="report_date",
                           slice_start=DAY, slice_end=DAY + timedelta(days=1), policy=LoadPolicy(batch_size=300))
    assert (first.rows_deleted, first.rows_loaded, first.method) == (0, 1000, "load_data")
    assert (second.rows_deleted, second.rows_loaded) == (1000, 1000)
    assert read(target, DAY) == snapshot and len(snapshot) == 1000
    assert snapshot[7][3] == "tab\there\\ and 'quote' " and snapshot[1][3] is None
    assert len(read(target, other)) == 5


def test_the_executemany_fallback_gives_the_same_rows(target):
    replace_slice(target, "gtest_load_probe", TABLE, COLUMNS, rows_for(DAY, 500), slice_column="report_date",
                  slice_start=DAY, slice_end=DAY + timedelta(days=1))
    via_load_data = read(target, DAY)
    result = replace_slice(target, "gtest_load_probe", TABLE, COLUMNS, rows_for(DAY, 500), slice_column="report_date",
                           slice_start=DAY, slice_end=DAY + timedelta(days=1), prefer_load_data=False)
    assert result.method == "executemany" and result.rows_loaded == 500
    assert read(target, DAY) == via_load_data


def test_a_refused_local_infile_falls_back_to_executemany(target):
    def no_local_infile(local_infile: bool = False, **_):
        return target(local_infile=False)  # the client refuses the file request, as a locked-down server would

    result = replace_slice(no_local_infile, "gtest_load_probe", TABLE, COLUMNS, rows_for(DAY, 50),
                           slice_column="report_date", slice_start=DAY, slice_end=DAY + timedelta(days=1))
    assert result.method == "executemany" and result.rows_loaded == 50 and len(read(target, DAY)) == 50


def test_a_reader_never_sees_an_empty_or_partial_slice(target):
    replace_slice(target, "gtest_load_probe", TABLE, COLUMNS, rows_for(DAY, 20000), slice_column="report_date",
                  slice_start=DAY, slice_end=DAY + timedelta(days=1))
    with counts_seen(target, f"SELECT COUNT(*) FROM {TABLE} WHERE report_date = %s", DAY) as seen:
        for n in (20000, 15000, 20000):
            replace_slice(target, "gtest_load_probe", TABLE, COLUMNS, rows_for(DAY, n, tag=str(n)),
                          slice_column="report_date", slice_start=DAY, slice_end=DAY + timedelta(days=1),
                          policy=LoadPolicy(batch_size=2000))
            time.sleep(0.05)
    assert len(seen) > 10
    assert set(seen) <= {20000, 15000}, sorted(set(seen))


def test_two_loads_of_one_table_are_serialised(target):
    results, holders = [], []
    stop = threading.Event()

    def watch_lock():
        conn = target()
        with conn.cursor() as cur:
            while not stop.is_set():
                cur.execute("SELECT IS_USED_LOCK('genims_load:gtest_load_probe.load_probe')")
                holders.append(cur.fetchone()[0])
        conn.close()

    def load(n):
        results.append(replace_slice(target, "gtest_load_probe", TABLE, COLUMNS, rows_for(DAY, n),
                                     slice_column="report_date", slice_start=DAY, slice_end=DAY + timedelta(days=1),
                                     policy=LoadPolicy(batch_size=500)))

    watcher = threading.Thread(target=watch_lock)
    watcher.start()
    threads = [threading.Thread(target=load, args=(n,)) for n in (30000, 30001)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    watcher.join()
    assert sorted(r.rows_loaded for r in results) == [30000, 30001]
    # Serialised: the second load deleted exactly what the first one committed.
    assert sorted(r.rows_deleted for r in results) in ([0, 30000], [0, 30001])
    assert len(read(target, DAY)) in (30000, 30001)
    # The named lock was held by a load's session while loads ran.
    assert any(h is not None for h in holders)


def test_whole_table_swap_replaces_everything_atomically(target):
    replace_slice(target, "gtest_load_probe", TABLE, COLUMNS, rows_for(DAY, 100), slice_column=None)
    result = replace_slice(target, "gtest_load_probe", TABLE, COLUMNS, rows_for(DAY + timedelta(days=40), 30),
                           slice_column=None)
    assert (result.rows_deleted, result.rows_loaded) == (100, 30)
    assert len(read(target, DAY)) == 0 and len(read(target, DAY + timedelta(days=40))) == 30


WIDE_DDL = """CREATE TABLE gtest_load_probe.wide_probe (
    k INT NOT NULL, d DATE NULL, ts DATETIME(6) NULL, f DOUBLE NULL, dec_value DECIMAL(14,4) NULL, n BIGINT NULL,
    flag TINYINT(1) NULL, txt VARCHAR(200) NULL, PRIMARY KEY (k)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"""


@pytest.mark.parametrize("load_data", [True, False], ids=["load_data", "executemany"])
def test_a_dataframe_loads_every_kind_of_value_exactly(settings, target, load_data):
    """The vectorised frame encoder (and the executemany fallback) keep NULLs, escapes, unicode and numbers."""
    import math
    from datetime import datetime
    from decimal import Decimal

    import pandas as pd

    conn = target()
    with conn.cursor() as cur:
        cur.execute(WIDE_DDL)
    conn.close()
    frame = pd.DataFrame(
        {
            "k": [1, 2, 3, 4, 5],
            "d": [date(2026, 1, 2), None, date(1999, 12, 31), date(2026, 11, 24), date(2026, 1, 2)],
            "ts": pd.to_datetime(
                ["2026-01-02 03:04:05.123456", None, "2000-01-01 00:00:00", "2026-11-24 23:59:59",
                 "2026-01-02 03:04:05.123456"],
                format="ISO8601",
            ),
            "f": [1.5, float("nan"), math.inf, -0.000125, 1.5],
            "dec_value": [Decimal("12.3456"), None, Decimal("-1"), Decimal("0"), Decimal("12.3456")],
            "n": pd.array([7, None, 2**40, 0, 7], dtype="Int64"),
            "flag": [True, False, True, False, True],
            "txt": ["tab\there", None, "back\\slash and\nnewline and \\N", "ünïcødé ✓ 'q' \"dq\"", "tab\there"],
        }
    )
    replace_slice(target, "gtest_load_probe", "wide_probe", list(frame.columns), frame, slice_column=None,
                  prefer_load_data=load_data)
    conn = target()
    with conn.cursor() as cur:
        cur.execute("SELECT k, d, ts, f, dec_value, n, flag, txt FROM wide_probe ORDER BY k")
        got = cur.fetchall()
    conn.close()
    assert got[0] == (1, date(2026, 1, 2), datetime(2026, 1, 2, 3, 4, 5, 123456), 1.5, Decimal("12.3456"), 7, 1,
                      "tab\there")
    assert got[1] == (2, None, None, None, None, None, 0, None)
    assert got[2][3] is None, "infinity is not a number MySQL can keep: NULL"
    assert got[2][5] == 2**40 and got[2][7] == "back\\slash and\nnewline and \\N"
    assert got[3][3] == -0.000125 and got[3][7] == "ünïcødé ✓ 'q' \"dq\""
    assert got[4] == (5, *got[0][1:]), "a value repeated in a column (encoded once) loads the same in every row"


def test_a_slice_holding_most_of_the_table_is_swapped_in_keeping_the_rows_outside(target, monkeypatch):
    import genims_assets.mysql_load as mysql_load

    other = DAY + timedelta(days=1)
    replace_slice(target, "gtest_load_probe", TABLE, COLUMNS, rows_for(other, 5), slice_column="report_date",
                  slice_start=other, slice_end=other + timedelta(days=1))
    replace_slice(target, "gtest_load_probe", TABLE, COLUMNS, rows_for(DAY, 300), slice_column="report_date",
                  slice_start=DAY, slice_end=DAY + timedelta(days=1))
    conn = target()
    with conn.cursor() as cur:
        cur.execute(f"ANALYZE TABLE {TABLE}")  # a fresh row estimate: the method is chosen from it
    conn.close()
    monkeypatch.setattr(mysql_load, "SWAP_MIN_ROWS", 100)
    renamed = []
    original = mysql_load._swap_table
    monkeypatch.setattr(mysql_load, "_swap_table", lambda *a, **k: renamed.append(k) or original(*a, **k))
    result = replace_slice(target, "gtest_load_probe", TABLE, COLUMNS, rows_for(DAY, 280, tag="v2"),
                           slice_column="report_date", slice_start=DAY, slice_end=DAY + timedelta(days=1))
    assert renamed and renamed[0]["keep_outside"][0] == "report_date", "a 280-row slice of ~305 rows is swapped"
    assert (result.rows_deleted, result.rows_loaded) == (300, 280)
    got = read(target, DAY)
    assert [(r[1], float(r[2]), r[3]) for r in got] == [(r[1], r[2], r[3]) for r in rows_for(DAY, 280, tag="v2")]
    assert len(read(target, other)) == 5, "the rows outside the slice survive the swap"
    # a small slice of a big table still goes the DELETE way
    renamed.clear()
    replace_slice(target, "gtest_load_probe", TABLE, COLUMNS, rows_for(other, 5), slice_column="report_date",
                  slice_start=other, slice_end=other + timedelta(days=1))
    assert renamed == []


STAMPED_DDL = """CREATE TABLE gtest_load_probe.stamped_probe (
    report_date DATE NOT NULL, item VARCHAR(20) NOT NULL, qty DECIMAL(12,3) NULL, loaded_at DATETIME(6) NOT NULL,
    PRIMARY KEY (report_date, item), KEY idx_item (item, report_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
PARTITION BY RANGE COLUMNS(report_date)
(PARTITION p1 VALUES LESS THAN ('2026-02-01'), PARTITION pmax VALUES LESS THAN (MAXVALUE))"""


def stamped(day: date, items, stamp, factor: float = 1.0):
    import pandas as pd

    return pd.DataFrame({"report_date": [day] * len(items), "item": [f"item{i:05d}" for i in items],
                         "qty": [i * factor for i in items], "loaded_at": [stamp] * len(items)})


def stamped_load(connect, frame, day: date, **options):
    return replace_slice(connect, "gtest_load_probe", "stamped_probe", list(frame.columns), frame,
                         slice_column="report_date", slice_start=day, slice_end=day + timedelta(days=1),
                         stamp_column="loaded_at", **options)


def read_stamped(connect, day: date) -> list[tuple]:
    conn = connect()
    with conn.cursor() as cur:
        cur.execute("SELECT item, qty, loaded_at FROM stamped_probe WHERE report_date = %s ORDER BY item", (day,))
        rows = [(item, float(qty), loaded_at) for item, qty, loaded_at in cur.fetchall()]
    conn.close()
    return rows


@pytest.fixture
def stamped_target(target):
    conn = target()
    with conn.cursor() as cur:
        cur.execute(STAMPED_DDL)
    conn.close()
    return target


@pytest.mark.parametrize("load_data", [True, False], ids=["load_data", "executemany"])
def test_a_stamped_load_writes_over_the_slice_and_drops_the_keys_it_no_longer_has(stamped_target, load_data):
    from datetime import datetime

    other = DAY + timedelta(days=1)
    s0, s1, s2 = (datetime(2026, 1, 10, 12, 0, 0, n) for n in (1, 2, 3))
    stamped_load(stamped_target, stamped(other, range(5), s0), other)
    first = stamped_load(stamped_target, stamped(DAY, range(1000), s1), DAY, prefer_load_data=load_data,
                         policy=LoadPolicy(batch_size=300))
    # the next load has lost items 900-999, gained 1000-1049 and changed every quantity
    items = [*range(900), *range(1000, 1050)]
    second = stamped_load(stamped_target, stamped(DAY, items, s2, factor=2.0), DAY, prefer_load_data=load_data,
                          policy=LoadPolicy(batch_size=300))
    assert (first.rows_deleted, first.rows_loaded) == (0, 1000)
    assert (second.rows_deleted, second.rows_loaded) == (1000, 950), "rows_deleted: the rows the slice held before"
    assert second.method == ("load_data" if load_data else "executemany")
    assert read_stamped(stamped_target, DAY) == [(f"item{i:05d}", i * 2.0, s2) for i in items]
    assert read_stamped(stamped_target, other) == [(f"item{i:05d}", float(i), s0) for i in range(5)]
    conn = stamped_target()
    with conn.cursor() as cur:  # the secondary index agrees with the rows
        cur.execute("SELECT COUNT(*) FROM stamped_probe FORCE INDEX (idx_item) WHERE item >= 'item00900' "
                    "AND report_date = %s", (DAY,))
        assert cur.fetchone()[0] == 50
    conn.close()


def test_a_stamp_the_slice_already_holds_takes_the_delete_way(stamped_target):
    """Rows of an earlier load with the same stamp are not this load's: they go, as the plain path would do."""
    from datetime import datetime

    stamp = datetime(2026, 1, 10, 12, 0, 0, 7)
    stamped_load(stamped_target, stamped(DAY, range(10), stamp), DAY)
    result = stamped_load(stamped_target, stamped(DAY, range(5), stamp), DAY)
    assert (result.rows_deleted, result.rows_loaded) == (10, 5)
    assert [r[0] for r in read_stamped(stamped_target, DAY)] == [f"item{i:05d}" for i in range(5)]


def test_a_stamped_load_refuses_rows_outside_its_slice_or_without_one_stamp(stamped_target):
    from datetime import datetime

    import pandas as pd

    s1, s2 = datetime(2026, 1, 10, 12, 0, 0, 1), datetime(2026, 1, 10, 12, 0, 0, 2)
    stamped_load(stamped_target, stamped(DAY, range(3), s1), DAY)
    before = read_stamped(stamped_target, DAY)
    stray = pd.concat([stamped(DAY, range(3), s2), stamped(DAY + timedelta(days=1), range(1), s2)])
    with pytest.raises(ValueError, match="outside the slice"):
        stamped_load(stamped_target, stray, DAY)
    mixed = pd.concat([stamped(DAY, range(2), s1), stamped(DAY, range(2, 4), s2)])
    with pytest.raises(ValueError, match="one loaded_at value"):
        stamped_load(stamped_target, mixed, DAY)
    assert read_stamped(stamped_target, DAY) == before, "a refused load changes nothing"


def test_a_reader_never_sees_an_empty_or_partial_stamped_slice(stamped_target):
    from datetime import datetime

    stamped_load(stamped_target, stamped(DAY, range(20000), datetime(2026, 1, 10, 12)), DAY)
    with counts_seen(stamped_target, "SELECT COUNT(*) FROM stamped_probe WHERE report_date = %s", DAY) as seen:
        for second, n in enumerate((15000, 20000, 15000), start=1):
            stamped_load(stamped_target, stamped(DAY, range(n), datetime(2026, 1, 10, 12, 0, second)), DAY,
                         policy=LoadPolicy(batch_size=2000))
            time.sleep(0.05)
    assert len(seen) > 10
    assert set(seen) <= {20000, 15000}, sorted(set(seen))
