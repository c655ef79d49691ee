"""Source queries read through COPY (genims_assets/defs/reporting/pg_copy.py) give the frame row tuples give.

The reference here is written out in the test: psycopg2 tuples, NUMERIC as float(text), pandas inferring the
columns, which is what the reporting transformations were written against.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import psycopg2
import psycopg2.extensions
import pytest

from genims_assets.defs.reporting import materialize as m
from genims_assets.defs.reporting import pg_copy
from genims_assets.defs.reporting.spec import Window
from genims_assets.defs.reporting.tables import REPORTING_TABLES
from genims_assets.resources import PostgresSourceResource, build_resources, source_resource_key
from genims_assets.sqlfiles import read_sql

FLOAT_FROM_TEXT = psycopg2.extensions.new_type(
    psycopg2.extensions.DECIMAL.values,
    "TEST_NUMERIC_AS_FLOAT",
    lambda text, _cur: None if text is None else float(text),
)


def tuple_frame(resource: PostgresSourceResource, text: str, params: dict) -> pd.DataFrame:
    raw = resource.engine().raw_connection()
    try:
        psycopg2.extensions.register_type(FLOAT_FROM_TEXT, raw.driver_connection)
        with raw.cursor() as cur:
            cur.execute(text, params)
            names = [d[0] for d in cur.description]
            frame = pd.DataFrame.from_records(cur.fetchall(), columns=names)
        raw.rollback()
    finally:
        raw.close()
    return frame


def in_row_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted on their text: a query without ORDER BY may give its rows in another order each time."""
    columns = list(range(frame.shape[1]))
    order = frame.astype(str).set_axis(columns, axis=1).sort_values(columns, kind="stable").index
    return frame.loc[order].reset_index(drop=True)


@pytest.fixture(scope="module")
def postgres() -> PostgresSourceResource:
    return PostgresSourceResource(
        host=os.environ["POSTGRES_HOST"],
        port=int(os.environ["POSTGRES_PORT"]),
        user=os.environ["POSTGRES_USER"],
        password=os.environ["POSTGRES_PASSWORD"],
        database="postgres",
    )


AWKWARD = """
SELECT * FROM (VALUES
    (1::int8, 4611686018427387904::int8, 0.1::numeric, 123456789.123456789::numeric(20, 9), 1.5::float8,
     'tab\there, newline\nhere, backslash \\ here'::text, 'plain'::varchar, true, DATE '2026-02-28',
     TIMESTAMP '2026-02-28 23:59:59.123456', NULL::int, NULL::numeric, NULL::text, NULL::date, NULL::bool,
     5::int, 'f'::bool, '\\N'::text, ''::varchar, 'Ünïcødé ✓'::text),
    (2, NULL, 1e-7, NULL, NULL, NULL, 'x', false, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     NULL, 't', 'a\\tb', NULL, NULL)
) AS v(id, big, small, wide, f8, escaped, plain, flag, day, stamp, no_int, no_num, no_text, no_date, no_bool,
       some_int, some_bool, backslash_n, empty, unicode)
WHERE id <= %(last)s  -- a trailing comment, and a literal %% sign"""


def test_copy_reads_awkward_values_exactly_as_tuples_do(postgres):
    frame = m.run_query(postgres, AWKWARD, {"last": 2})
    pd.testing.assert_frame_equal(frame, tuple_frame(postgres, AWKWARD, {"last": 2}), check_exact=True)
    first = frame.iloc[0]
    assert first["escaped"] == "tab\there, newline\nhere, backslash \\ here"
    assert first["backslash_n"] == "\\N" and first["empty"] == "" and first["unicode"] == "Ünïcødé ✓"
    assert frame["big"].iloc[0] == 4611686018427387904.0 and pd.isna(frame["big"].iloc[1])
    assert frame.loc[1, "backslash_n"] == "a\\tb"
    assert frame["id"].dtype == "int64" and frame["flag"].dtype == bool
    assert frame["day"].iloc[0] == date(2026, 2, 28) and frame["day"].iloc[1] is None
    assert str(frame["stamp"].dtype) == "datetime64[us]"
    assert all(frame[c].iloc[i] is None for c in ("no_int", "no_num", "no_text", "no_date", "no_bool") for i in (0, 1))
    assert list(frame["some_bool"]) == [False, True]


def test_copy_gives_tuple_frames_for_one_row_no_rows_and_unsupported_types(postgres):
    for last in (1, 0):
        pd.testing.assert_frame_equal(
            m.run_query(postgres, AWKWARD, {"last": last}),
            tuple_frame(postgres, AWKWARD, {"last": last}),
            check_exact=True,
        )
    assert len(m.run_query(postgres, AWKWARD, {"last": 0})) == 0
    # An array and a JSON column: not a type the COPY reader converts, so the tuple path reads the query.
    other = "SELECT ARRAY['a', 'b']::varchar[] AS codes, '{\"k\": 1}'::json AS doc, %(n)s::int AS n"
    frame = m.run_query(postgres, other, {"n": 3})
    assert frame.iloc[0].to_dict() == {"codes": ["a", "b"], "doc": {"k": 1}, "n": 3}
    # A date the COPY reader cannot convert: the query is read as tuples, the frame is still the tuple path's.
    infinite = "SELECT d, %(n)s::int AS n FROM (VALUES (DATE 'infinity'), (DATE '2026-01-31')) AS v(d)"
    with pytest.raises(ValueError):
        pg_copy.frame_from_copy(b"infinity\t3\n", ["d", "n"], ["date", "int"])
    frame = m.run_query(postgres, infinite, {"n": 3})
    pd.testing.assert_frame_equal(frame, tuple_frame(postgres, infinite, {"n": 3}), check_exact=True)
    assert frame["d"].iloc[1] == date(2026, 1, 31)


def test_long_decimals_parse_to_the_same_doubles_as_float_text(postgres):
    """NUMERIC quotients with 20 significant digits and more: every one must round to the double float() gives."""
    query = """SELECT i, (i::numeric * 7919 %% 1000003) / 997 AS q, (i::numeric / 3) * 1e-6 AS tiny,
                      (i::numeric * 1234567.891) / 7 AS large
               FROM generate_series(1, %(n)s) AS i"""
    frame = m.run_query(postgres, query, {"n": 200_000})
    pd.testing.assert_frame_equal(frame, tuple_frame(postgres, query, {"n": 200_000}), check_exact=True)
    assert len(frame) == 200_000 and frame["q"].dtype == "float64"


def test_copy_kinds_refuses_duplicate_names_and_unknown_types(postgres):
    raw = postgres.engine().raw_connection()
    try:
        with raw.cursor() as cur:
            cur.execute("SELECT 1::int AS a, 'x'::text AS b, DATE '2026-01-01' AS c")
            assert pg_copy.copy_kinds(cur.description) == ["int", "text", "date"]
            cur.execute("SELECT 1 AS a, 2 AS a")
            assert pg_copy.copy_kinds(cur.description) is None
            cur.execute("SELECT INTERVAL '1 day' AS i")
            assert pg_copy.copy_kinds(cur.description) is None
        raw.rollback()
    finally:
        raw.close()


def test_every_reporting_query_reads_the_same_through_copy(built_platform, settings):
    """All source and control queries of the 35 tables, over the test platform's whole window."""
    resources = build_resources(settings)
    now = datetime.now(UTC).replace(tzinfo=None)
    window = Window(
        datetime.combine(now.date() - timedelta(days=40), datetime.min.time()),
        datetime.combine(now.date() + timedelta(days=1), datetime.min.time()),
        now,
    )
    compared = rows = 0
    for spec in REPORTING_TABLES:
        files = [(db, f"{db}.sql") for db in spec.databases]
        if spec.control is not None:
            files.append((spec.control.source, "control.sql"))
        for db, name in files:
            text, resource = read_sql("reporting", spec.name, name), resources[source_resource_key(db)]
            frame = m.run_query(resource, text, window.params())
            pd.testing.assert_frame_equal(
                in_row_order(frame),
                in_row_order(tuple_frame(resource, text, window.params())),
                check_exact=True,
                obj=f"{spec.name}/{name}",
            )
            compared += 1
            rows += len(frame)
    assert compared >= 35 + sum(1 for spec in REPORTING_TABLES if spec.control is not None)
    assert rows > 10_000  # the comparison covered real data, not empty results
