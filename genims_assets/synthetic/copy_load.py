"""Load generated rows into PostgreSQL with COPY (text format), a chunk at a time."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from datetime import date, datetime, time

from psycopg2 import sql

from genims_assets.sqlfiles import TableDef

CHUNK_ROWS = 50_000
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    return str(value).translate(_ESCAPES)


def _scalar(value) -> str:
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (datetime, date, time)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return _text(value)


def _array(value) -> str:
    items = []
    for item in value:
        text = str(item).replace("\\", "\\\\").replace('"', '\\"')
        items.append(f'"{text}"')
    return _text("{" + ",".join(items) + "}")


def _json(value) -> str:
    return _text(value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), default=str))


def _point(value) -> str:
    return value if isinstance(value, str) else f"({value[0]},{value[1]})"


def formatter_for(column_type: str) -> Callable[[object], str]:
    if column_type.endswith("[]"):
        return _array
    if column_type in ("jsonb", "json"):
        return _json
    if column_type == "point":
        return _point
    return _scalar


def copy_rows(cursor, table: TableDef, rows: Iterable[dict]) -> int:
    """COPY `rows` into `table`; the column list is the first row's keys. Returns the row count."""
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return 0
    names = list(first)
    types = {c.name: c.type for c in table.columns}
    unknown = [n for n in names if n not in types]
    if unknown:
        raise KeyError(f"{table.name}: generated columns not in the catalog: {', '.join(unknown)}")
    formatters = [formatter_for(types[n]) for n in names]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(n) for n in names)
    )
    copy_text = statement.as_string(cursor)
    total = 0
    buffer = io.StringIO()
    pending = 0

    def flush() -> None:
        buffer.seek(0)
        cursor.copy_expert(copy_text, buffer)
        buffer.seek(0)
        buffer.truncate()

    for row in _chain(first, iterator):
        if len(row) != len(names):
            raise ValueError(f"{table.name}: row {total + 1} has columns {sorted(row)}, expected {sorted(names)}")
        fields = ("\\N" if (v := row[n]) is None else f(v) for n, f in zip(names, formatters, strict=True))
        buffer.write("\t".join(fields) + "\n")
        total += 1
        pending += 1
        if pending >= CHUNK_ROWS:
            flush()
            pending = 0
    if pending:
        flush()
    return total


def _chain(first: dict, rest):
    yield first
    yield from rest


def reset_serial_sequences(cursor, table: TableDef) -> None:
    """After COPY with explicit ids, move serial sequences past the highest id."""
    for column in table.columns:
        if column.type in ("serial", "bigserial"):
            cursor.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX({col}), 0) + 1, false) FROM {tab}"
                ).format(col=sql.Identifier(column.name), tab=sql.Identifier(table.name)),
                (table.name, column.name),
            )
