"""Read a source query's rows with COPY ... TO STDOUT and pandas' C parser instead of row tuples.

A year of a dense stock table is 7.6M rows of 16 columns: fetched as tuples (psycopg2 builds a Python object per
value, pandas then infers each column from them) it took 127 s, as COPY text parsed by `read_csv` 88 s, of
which PostgreSQL's own work is most. The frame is the one the tuple path gives, column for column, so the
transformations cannot tell the two apart:

- integers: int64, float64 when some are NULL; numeric and float: float64 (pandas 3.1 parses every decimal text
  to the nearest double, as Python's float() does: the tests compare both on 200k long decimals);
- text: strings (COPY's backslash escapes undone), NULL as missing;
- booleans: bool, or objects when some are NULL; dates: datetime.date objects; timestamps: datetime64[us];
- a column that is NULL in every row: objects (None), as the tuple path infers nothing from it;
- no rows: object columns.

`copy_kinds` returns None for a result with another type (arrays, JSON, intervals, time zones ...) or with
duplicate column names: those queries keep the tuple path, as does a result with a date or timestamp the reader
cannot convert ('infinity', BC).
"""

from __future__ import annotations

import csv
import io
from datetime import date

import numpy as np
import pandas as pd

# PostgreSQL type OIDs this reader converts (pg_type.oid): everything else keeps the tuple path.
_KINDS = {
    16: "bool",
    20: "int",
    21: "int",
    23: "int",
    700: "float",
    701: "float",
    1700: "float",
    1082: "date",
    1114: "timestamp",
    19: "text",
    25: "text",
    1042: "text",
    1043: "text",
}
_NULL = "\\N"
# COPY text format's escapes (https://www.postgresql.org/docs/15/sql-copy.html, "Text Format"); COPY TO writes
# only these, and a backslash before any other character stands for that character.
_UNESCAPE = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def copy_kinds(description) -> list[str] | None:
    """The reader's kind per column of a cursor description, or None when the tuple path must read it."""
    names = [column.name for column in description]
    kinds = [_KINDS.get(column.type_code) for column in description]
    if None in kinds or len(set(names)) != len(names):
        return None
    return kinds


def copy_statement(query: str) -> str:
    # The newline ends a trailing "--" comment of the query before the closing parenthesis.
    return f"COPY ({query}\n) TO STDOUT"


def _unescape(value: str) -> str:
    out, i = [], 0
    while True:
        j = value.find("\\", i)
        if j < 0 or j + 1 >= len(value):
            out.append(value[i:])
            return "".join(out)
        out.append(value[i:j])
        out.append(_UNESCAPE.get(value[j + 1], value[j + 1]))
        i = j + 2


def _text(column: pd.Series) -> pd.Series:
    escaped = column.str.contains("\\", regex=False).fillna(False).astype(bool)  # missing values: False
    if escaped.any():
        column = column.astype(object)
        column[escaped] = column[escaped].map(_unescape)
        column = column.astype("str")
    return column


def _from_distinct(column: pd.Series, convert) -> pd.Series:
    """Objects converted once per distinct text (report columns repeat dates a lot); missing as None."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    values = np.empty(len(uniques) + 1, dtype=object)
    values[: len(uniques)] = [convert(text) for text in uniques]
    values[-1] = None
    return pd.Series(values[codes], index=column.index, dtype=object)


def _convert(column: pd.Series, kind: str) -> pd.Series:
    present = column.notna()
    if not present.any():
        return pd.Series([None] * len(column), index=column.index, dtype=object)
    if kind == "int":
        return column.astype("int64") if present.all() else column.astype("float64")
    if kind == "float":
        return column
    if kind == "text":
        return _text(column)
    if kind == "bool":
        if present.all():
            return column.map({"t": True, "f": False}).astype(bool)
        return _from_distinct(column, {"t": True, "f": False}.__getitem__)
    if kind == "date":
        return _from_distinct(column, date.fromisoformat)
    if kind == "timestamp":
        return pd.to_datetime(column, format="ISO8601").astype("datetime64[us]")
    raise ValueError(f"no conversion for {kind!r}")


def frame_from_copy(data: bytes, names: list[str], kinds: list[str], encoding: str = "utf-8") -> pd.DataFrame:
    """The rows of COPY ... TO STDOUT (text format, in the client encoding) as the tuple path's DataFrame.

    Raises ValueError for a value it cannot convert (an 'infinity' or BC date or timestamp): read the tuples then.
    """
    if not data:
        return pd.DataFrame.from_records([], columns=names)
    dtypes = {
        i: ("float64" if kind == "float" else "Int64" if kind == "int" else "str") for i, kind in enumerate(kinds)
    }
    raw = pd.read_csv(
        io.BytesIO(data),
        sep="\t",
        header=None,
        names=list(range(len(names))),
        dtype=dtypes,
        quoting=csv.QUOTE_NONE,
        na_values=[_NULL],
        keep_default_na=False,
        encoding=encoding,
        engine="c",
    )
    return pd.DataFrame({name: _convert(raw[i], kind) for i, (name, kind) in enumerate(zip(names, kinds, strict=True))})
