"""The one write path into genims_audit_db: gapless sequences, a hash chain, idempotent replays.

Why it is built this way (contract: genims_assets/audit/README.md section 3):
- Every audit row reaches MySQL through `write_batch`, in ONE MySQL transaction
  per call. Per table, in sorted order (no deadlock between two writers), the
  table's `audit_sequence_manager` row is locked with SELECT ... FOR UPDATE, so
  the writers of one table queue up; under that lock the rows whose idempotency
  key (`AuditTable.unique_key`) is already stored are dropped (one range query
  per batch, READ COMMITTED so that it sees what the previous holder of the lock
  committed), the rest get `last + 1 ..` and `row_hash = sha256(prev_hex +
  canonical(row))`, go in with LOAD DATA LOCAL INFILE (executemany INSERT when
  the server refuses it), and the counter row moves to the new head. A replayed
  batch therefore inserts nothing and leaves no gap, and a failure anywhere rolls
  the whole call back.
- LOAD DATA LOCAL treats duplicate keys and bad values as warnings (it cannot
  stop the client's file), so every value is validated here against the column
  types of sql/mysql/audit_schema.sql first, and a load whose row count or
  warning count is off is rolled back: a sequence is never skipped in silence.
- The canonical row is built from the same normalised values MySQL hands back
  (DATETIME(6) as `YYYY-MM-DD HH:MM:SS.ffffff`, DECIMAL with its scale, JSON as
  compact sorted-key JSON, NULL as null), so the verifier recomputes the hash
  from what it reads. Values are converted column by column with C-level
  helpers (map, str, json's C encoder) and the hash loop is one sha256 call per
  row; a batch is loaded in chunks by a worker thread while the next chunk is
  validated, hashed and serialised, so Python's work overlaps the server's.
- The chain head is also kept outside MySQL (`genims_audit.chain_heads` in the
  Dagster database): `outbox_ship.store_batch` moves it forward after the
  MySQL commit. This module touches MySQL only.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from functools import cache
from hashlib import sha256
from json.encoder import c_make_encoder, encode_basestring
from operator import itemgetter

import pymysql

from genims_assets.audit.tables import SEQUENCE_MANAGER, AuditTable, audit_table
from genims_assets.connections import mysql_connect
from genims_assets.mysql_load import LOCAL_INFILE_REFUSED
from genims_assets.mysql_partitions import ident
from genims_assets.settings import Settings
from genims_assets.sqlfiles import read_sql

ZERO_HASH = "0" * 64
SESSION_SQL_MODE = "STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"
# A key column with more distinct values than this is bounded by the timestamp range only.
IN_LIST_LIMIT = 1000
# Rows per LOAD DATA statement: big enough to amortise a round trip, small enough to overlap Python and MySQL.
LOAD_CHUNK_ROWS = 10_000
_TEMP_DIR = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"})
_DATETIME_TEXT = re.compile(r"(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?")
_WIDE = Context(prec=100)  # DECIMAL(65, s) fits; the default 28 digits would not
_INT_BOUNDS = {name: (-(2**bits), 2**bits - 1) for name, bits in (("TINYINT", 7), ("SMALLINT", 15), ("INT", 31))}
_INT_BOUNDS |= {"BIGINT": (-(2**63), 2**63 - 1), "BIGINT UNSIGNED": (0, 2**64 - 1)}


class StoreError(RuntimeError):
    """MySQL refused or would have altered part of a batch; nothing of the call was committed."""


@dataclass(frozen=True)
class TableWrite:
    """What one write did to one audit table; last_sequence/last_row_hash are the chain head after it."""

    table: str
    inserted: int
    duplicates: int
    sequence_from: int | None
    sequence_to: int | None
    last_sequence: int
    last_row_hash: str
    method: str  # load_data, executemany or none


@dataclass(frozen=True)
class ColumnSpec:
    """One column of an audit table: how its values are checked, normalised and serialised."""

    name: str
    type: str
    kind: str  # int, datetime, date, decimal, json, text
    nullable: bool
    default: object
    low: int = 0
    high: int = 0  # int bounds; for text: the limit (characters, or bytes when byte_limit)
    scale: int = 0
    byte_limit: bool = False
    pad_stripped: bool = False  # CHAR: MySQL drops trailing spaces on read


# ---------------------------------------------------------------- column specs


def _column_lines() -> dict[str, dict[str, str]]:
    """table -> column -> its definition line, from sql/mysql/audit_schema.sql."""
    result: dict[str, dict[str, str]] = {}
    current = None
    for line in read_sql("mysql", "audit_schema.sql").splitlines():
        match = re.match(r"CREATE TABLE IF NOT EXISTS (\w+) \(", line)
        if match:
            current = result.setdefault(match.group(1), {})
            continue
        if current is not None and re.match(r"    \w+ ", line) and not re.match(r"    (PRIMARY|UNIQUE|KEY)\b", line):
            name, _, rest = line.strip().partition(" ")
            current[name] = rest.split(" COMMENT ")[0]
    return result


def _spec(name: str, ctype: str, definition: str) -> ColumnSpec:
    nullable = " NOT NULL" not in f" {definition}"
    match = re.search(r" DEFAULT ('([^']*)'|\S+)", definition)
    default = None if not match else match.group(2) if match.group(2) is not None else match.group(1)
    upper = ctype.upper()
    if upper in _INT_BOUNDS or upper == "TINYINT(1)":
        low, high = _INT_BOUNDS["TINYINT" if upper == "TINYINT(1)" else upper]
        return ColumnSpec(name, ctype, "int", nullable, None if default is None else int(default), low, high)
    if upper == "DATETIME(6)":
        return ColumnSpec(name, ctype, "datetime", nullable, None)
    if upper == "DATE":
        return ColumnSpec(name, ctype, "date", nullable, None)
    if upper == "JSON":
        return ColumnSpec(name, ctype, "json", nullable, None)
    decimal = re.fullmatch(r"DECIMAL\((\d+),(\d+)\)", upper)
    if decimal:
        precision, scale = int(decimal.group(1)), int(decimal.group(2))
        return ColumnSpec(name, ctype, "decimal", nullable, default, high=precision - scale, scale=scale)
    chars = re.fullmatch(r"(VAR)?CHAR\((\d+)\)", upper)
    if chars:
        return ColumnSpec(
            name, ctype, "text", nullable, default, high=int(chars.group(2)), pad_stripped=not chars.group(1)
        )
    if upper in ("TEXT", "MEDIUMTEXT"):
        return ColumnSpec(
            name, ctype, "text", nullable, default, high=65535 if upper == "TEXT" else 16777215, byte_limit=True
        )
    raise TypeError(f"audit column {name} has type {ctype}, which the audit store does not know how to canonicalise")


@cache
def table_specs(table_name: str) -> tuple[ColumnSpec, ...]:
    """The canonical columns of an audit table: schema order without row_hash and created_at.

    The first is the table's sequence column (the schema puts it first).
    """
    table = audit_table(table_name)
    lines = _column_lines()[table_name]
    specs = tuple(
        _spec(c.name, c.type, lines[c.name])
        for c in table.definition.columns
        if c.name not in ("row_hash", "created_at")
    )
    if specs[0].name != table.sequence_column:
        raise TypeError(f"{table_name}: the sequence column must come first in audit_schema.sql")
    return specs


# ---------------------------------------------------------------- normalisation (input -> the value MySQL returns)


def _bad(table: str, spec: ColumnSpec, index: int, value, why: str) -> ValueError:
    shown = repr(value)
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    return ValueError(f"{table} row {index}: column {spec.name} ({spec.type}) {why}: {shown}")


def _datetime_text(value) -> str | None:
    if type(value) is datetime or isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        text = str(value)
        return text if len(text) == 26 else text + ".000000"
    if isinstance(value, str):
        match = _DATETIME_TEXT.fullmatch(value.strip())
        if match:
            try:
                datetime.fromisoformat(f"{match.group(1)} {match.group(2)}")
            except ValueError:
                return None
            return f"{match.group(1)} {match.group(2)}.{(match.group(3) or '').ljust(6, '0')}"
    return None


_NONE = type(None)
_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r\0]")


def _fast(spec: ColumnSpec, values: Sequence) -> list | None:
    """The common case done with C-level helpers (map, set, max); None sends the column to the checked loop."""
    types = set(map(type, values))
    present = [v for v in values if v is not None] if _NONE in types else values
    if len(present) < len(values) and not spec.nullable:
        return None
    kind = spec.kind
    if kind == "text" and types <= {str, _NONE}:
        if spec.pad_stripped or not present:
            return None if spec.pad_stripped else list(values)
        longest = max(map(len, present))
        return list(values) if longest <= spec.high and not (spec.byte_limit and longest * 4 > spec.high) else None
    if kind == "int" and types <= {int, _NONE}:
        return list(values) if not present or spec.low <= min(present) and max(present) <= spec.high else None
    if kind == "datetime" and types <= {datetime, _NONE}:
        if any(v.tzinfo is not None for v in present):
            return None
        return [None if v is None else (t if len(t := str(v)) == 26 else t + ".000000") for v in values]
    if kind == "json":
        return _json_column(values)
    return None


def _normalise(table: str, spec: ColumnSpec, values: Sequence, offset: int = 0) -> list:
    """Values of one column as MySQL will return them (text for datetime/date/decimal/json); ValueError if bad."""
    fast = _fast(spec, values)
    if fast is not None:
        return fast
    kind = spec.kind
    out = list(values)
    for i, v in enumerate(out):
        if v is None:
            if spec.nullable:
                continue
            if spec.default is None:
                raise _bad(table, spec, i + offset, v, "is NOT NULL and has no default; give it a value")
            v = out[i] = spec.default
        if kind == "text":
            if type(v) is not str:
                if type(v) is int:
                    v = str(v)
                else:
                    raise _bad(table, spec, i + offset, v, "needs text")
            if spec.pad_stripped:
                v = v.rstrip(" ")
            size = len(v.encode("utf-8")) if spec.byte_limit and len(v) * 4 > spec.high else len(v)
            if size > spec.high:
                unit = "bytes" if spec.byte_limit else "characters"
                raise _bad(table, spec, i + offset, v, f"is longer than {spec.high} {unit}")
            out[i] = v
        elif kind == "int":
            if type(v) is not int:
                if isinstance(v, bool):
                    v = int(v)
                else:
                    raise _bad(table, spec, i + offset, v, "needs a whole number")
            if not spec.low <= v <= spec.high:
                raise _bad(table, spec, i + offset, v, f"is outside {spec.low}..{spec.high}")
            out[i] = v
        elif kind == "datetime":
            text = _datetime_text(v)
            if text is None:
                raise _bad(table, spec, i + offset, v, "needs a UTC datetime or 'YYYY-MM-DD HH:MM:SS[.ffffff]'")
            out[i] = text
        elif kind == "json":
            out[i] = _json_text(table, spec, i + offset, v)
        elif kind == "decimal":
            out[i] = _decimal_text(table, spec, i + offset, v)
        elif kind == "date":
            if isinstance(v, datetime):
                raise _bad(table, spec, i + offset, v, "needs a date, not a datetime")
            if isinstance(v, date):
                out[i] = v.isoformat()
            else:
                try:
                    out[i] = date.fromisoformat(v).isoformat()
                except (TypeError, ValueError):
                    raise _bad(table, spec, i + offset, v, "needs a date or 'YYYY-MM-DD'") from None
    return out


# JSON numbers are kept exactly: text is parsed with Decimal for fractions (ints are exact already) and a number
# is written in plain positional notation (as PostgreSQL prints numeric in jsonb), so 80.0000 stays 80.0000 and
# 1e-30 becomes 0.000000000000000000000000000001. Floats given by a producer are written as Decimal(repr(f)).
# The C encoder cannot write a Decimal, so `default` turns each into a marked string that is replaced by the bare
# number afterwards; the mark carries a per-process nonce and the replacements are counted, so a string that
# happens to contain a mark sends the value to the pure-Python encoder instead of being altered.
_NONCE = secrets.token_hex(8)
_MARK = "\x1f" + _NONCE
_MARKED = re.compile('"\\\\u001f' + _NONCE + '([-0-9.]+)\\\\u001f"')
_FLOAT_EXPONENT = re.compile(r"[0-9]e[-+][0-9]")  # a float's repr in exponent form (or such text in a string)
_MAX_NUMBER_DIGITS = 140_000  # PostgreSQL numeric: 131072 digits before the point, 16383 after


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


_DECODE_JSON = json.JSONDecoder(parse_float=Decimal, parse_constant=_refuse_constant).decode


def _number_text(number: Decimal) -> str:
    """A Decimal as a JSON number in positional notation; integral exponents give a plain integer."""
    if not number.is_finite():
        raise ValueError(f"{number} is not a JSON number")
    if abs(number.adjusted()) > _MAX_NUMBER_DIGITS:
        raise ValueError(f"a number with {abs(number.adjusted())} digits is longer than {_MAX_NUMBER_DIGITS}")
    return str(int(number)) if number.as_tuple().exponent >= 0 else format(number, "f")


def _python_canonical(value) -> str:
    """The canonical text without the C encoder (used only when a string contains the Decimal mark)."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float | Decimal):
        return _number_text(Decimal(repr(value)) if isinstance(value, float) else value)
    if isinstance(value, dict):
        parts = []
        for key, item in sorted(value.items()):
            if not isinstance(key, str):
                key = _python_canonical(key) if key is None or isinstance(key, bool | int | float) else None
                if key is None:
                    raise TypeError("JSON object keys must be str, int, float, bool or None")
                key = key.strip('"')
            parts.append(f"{encode_basestring(key)}:{_python_canonical(item)}")
        return "{" + ",".join(parts) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(map(_python_canonical, value)) + "]"
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class _JsonCanon:
    """Canonical JSON text of many values with one C encoder (the per-call setup of json.dumps is the cost)."""

    def __init__(self) -> None:
        self.marks = 0
        self.encode = (
            c_make_encoder(None, self._default, encode_basestring, None, ":", ",", True, False, False)
            if c_make_encoder is not None
            else None
        )

    def _default(self, value) -> str:
        if isinstance(value, Decimal):
            self.marks += 1
            return _MARK + _number_text(value) + "\x1f"
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    def value(self, value, floats_checked: bool = False) -> str:
        """Canonical text of a parsed value (dict, list, str, number, bool, None; Decimal and float allowed)."""
        if self.encode is None:
            return _python_canonical(value)
        if isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError(f"{value} is not a JSON number")
            return _number_text(Decimal(repr(value)))
        self.marks = 0
        text = "".join(self.encode(value, 0))
        if self.marks:
            text, found = _MARKED.subn(r"\1", text)
            if found != self.marks:
                return _python_canonical(value)
        if not floats_checked and _FLOAT_EXPONENT.search(text):
            return self.value(_DECODE_JSON(text), floats_checked=True)  # floats written by repr as 1e-05
        return text

    def text(self, text: str | bytes) -> str:
        """Canonical text of JSON text, numbers parsed exactly."""
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return self.value(_DECODE_JSON(text), floats_checked=True)


def canonical_json(value) -> str:
    """Compact, sorted-key JSON text with exact numbers (the canonical form of a JSON column)."""
    return _JsonCanon().value(value)


def canonical_json_text(text: str | bytes) -> str:
    """The canonical form of JSON text (as a producer wrote it or MySQL returns it); ValueError if not JSON."""
    return _JsonCanon().text(text)


def _json_column(values: Sequence) -> list | None:
    """Canonical text of a JSON column's values, or None when one is not JSON (the checked loop names it)."""
    canon = _JsonCanon()
    value, text = canon.value, canon.text
    try:
        return [None if v is None else text(v) if isinstance(v, str | bytes) else value(v) for v in values]
    except (TypeError, ValueError, RecursionError):
        return None


def _json_text(table: str, spec: ColumnSpec, index: int, value) -> str:
    # A str is JSON text (as a producer's json.dumps or the database returns it); anything else is serialised.
    try:
        return canonical_json_text(value) if isinstance(value, str | bytes) else canonical_json(value)
    except (TypeError, ValueError, RecursionError) as error:
        raise _bad(table, spec, index, value, f"is not valid JSON ({error})") from None


def _decimal_text(table: str, spec: ColumnSpec, index: int, value) -> str:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise _bad(table, spec, index, value, "needs a number")
    try:
        number = Decimal(str(value) if isinstance(value, float) else value)
        quantised = number.quantize(Decimal(1).scaleb(-spec.scale), rounding=ROUND_HALF_UP, context=_WIDE)
    except (InvalidOperation, ValueError):
        raise _bad(table, spec, index, value, "needs a finite number") from None
    if not quantised.is_finite() or quantised.adjusted() >= spec.high and quantised != 0:
        raise _bad(table, spec, index, value, f"does not fit {spec.type}")
    if quantised == 0:
        quantised = abs(quantised)
    return f"{quantised:f}"


def from_database(spec: ColumnSpec, value):
    """A value as PyMySQL returns it -> the normalised form write_batch hashed."""
    if value is None:
        return None
    kind = spec.kind
    if kind == "datetime":
        return _datetime_text(value) if isinstance(value, datetime) else str(value)
    if kind == "decimal":
        return f"{value:f}" if isinstance(value, Decimal) else str(value)
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    if kind == "json":
        return value.decode("utf-8") if isinstance(value, bytes) else value  # canonicalised only when needed
    if kind == "text" and isinstance(value, bytes):
        return value.decode("utf-8")
    return value


def from_database_column(spec: ColumnSpec, values: Sequence) -> list:
    """from_database over one column, with the common cases done without a call per value."""
    kind, types = spec.kind, set(map(type, values))
    if kind == "datetime" and types <= {datetime, _NONE}:
        return [None if v is None else (t if len(t := str(v)) == 26 else t + ".000000") for v in values]
    if kind in ("int", "text", "json") and not types & {bytes, bytearray}:
        return list(values)
    return [from_database(spec, v) for v in values]


# ---------------------------------------------------------------- canonical rows and the chain


def _fragments(spec: ColumnSpec, values: Sequence) -> list[str]:
    """Each value's piece of the canonical JSON array."""
    has_null = None in values
    if spec.kind == "int":
        return ["null" if v is None else str(v) for v in values] if has_null else list(map(str, values))
    if spec.kind == "json":
        return ["null" if v is None else v for v in values] if has_null else list(values)
    if has_null:
        return ["null" if v is None else encode_basestring(v) for v in values]
    return list(map(encode_basestring, values))


def canonical_rows(specs: Sequence[ColumnSpec], columns: Sequence[Sequence]) -> list[str]:
    """Canonical text of each row: a compact JSON array of its normalised values in schema order.

    `columns` holds one normalised value list per spec (sequence column first).
    """
    pieces = [_fragments(spec, values) for spec, values in zip(specs, columns, strict=True)]
    return ["[" + ",".join(parts) + "]" for parts in zip(*pieces, strict=True)]


def chain(previous_hash: str, canonical: Sequence[str]) -> list[str]:
    """row_hash of each row: sha256 hex of the previous row_hash followed by the canonical row (UTF-8)."""
    hashes = []
    append = hashes.append
    for text in canonical:
        previous_hash = sha256((previous_hash + text).encode("utf-8")).hexdigest()
        append(previous_hash)
    return hashes


def row_hash(previous_hash: str, table_name: str, row: Mapping) -> str:
    """The row_hash of one stored row (column -> value as PyMySQL returns it), for checks and tests."""
    specs = table_specs(table_name)
    values = [from_database(s, row[s.name]) for s in specs]
    values = [
        canonical_json_text(v) if s.kind == "json" and v is not None else v for s, v in zip(specs, values, strict=True)
    ]
    return chain(previous_hash, canonical_rows(specs, [[v] for v in values]))[0]


# ---------------------------------------------------------------- validation of a batch


@dataclass
class _Prepared:
    """A validated batch of one table. Key columns are normalised at once (duplicates are found on them);
    the others either at once (`complete`) or chunk by chunk while the previous chunk loads."""

    table: AuditTable
    specs: tuple[ColumnSpec, ...]
    raw: list[Sequence]  # one value list per payload spec (specs[1:]), as given
    columns: list[list | None]  # normalised, or None until normalised

    @property
    def size(self) -> int:
        return len(self.raw[0]) if self.raw else 0

    def select(self, keep: list[int]) -> None:
        """Keep only these rows (in this order)."""
        self.raw = [[values[i] for i in keep] for values in self.raw]
        self.columns = [None if c is None else [c[i] for i in keep] for c in self.columns]

    def chunk(self, part: slice) -> list[list]:
        """Normalised values of the rows in `part`, one list per payload column."""
        name = self.table.name
        return [
            c[part] if c is not None else _normalise(name, spec, raw[part], part.start or 0)
            for spec, raw, c in zip(self.specs[1:], self.raw, self.columns, strict=True)
        ]


def prepare_rows(table_name: str, rows: Sequence[Mapping], *, complete: bool = True) -> _Prepared:
    """Check rows against the table's columns and normalise them; ValueError naming the first problem.

    complete=False normalises only the idempotency-key and timestamp columns now (write_batch does the
    rest chunk by chunk inside its transaction, so that an invalid value still rolls everything back).
    """
    table = audit_table(table_name)
    specs = table_specs(table_name)
    allowed = {s.name for s in specs[1:]}
    for index, row in enumerate(rows):
        if not row.keys() <= allowed:
            unknown = sorted(set(row) - allowed)
            assigned = {table.sequence_column, "row_hash", "created_at"} & set(unknown)
            hint = " (assigned by the store, leave it out)" if assigned else f"; known: {', '.join(sorted(allowed))}"
            raise ValueError(f"{table_name} row {index}: unknown column(s) {', '.join(unknown)}{hint}")
    raw = _transpose(rows, [s.name for s in specs[1:]])
    now = set(table.unique_key or ()) | {table.timestamp_column}
    columns = [
        _normalise(table_name, s, values) if complete or s.name in now else None
        for s, values in zip(specs[1:], raw, strict=True)
    ]
    return _Prepared(table, specs, raw, columns)


def _transpose(rows: Sequence[Mapping], names: list[str]) -> list[Sequence]:
    """One value list per column name (None where a row leaves it out), read with C-level itemgetter."""
    columns = []
    for name in names:
        try:
            columns.append(list(map(itemgetter(name), rows)))
        except KeyError:
            columns.append([row.get(name) for row in rows])
    return columns


def _drop_batch_duplicates(prepared: _Prepared) -> tuple[list[int], list[tuple]]:
    """Indexes of the first row of each idempotency key (rows with a NULL key part always stay), and their keys."""
    names = [s.name for s in prepared.specs[1:]]
    positions = [names.index(c) for c in prepared.table.unique_key or ()]
    if not positions:
        return list(range(prepared.size)), []
    keys = list(zip(*(prepared.columns[p] for p in positions), strict=True))
    seen: set[tuple] = set()
    keep = []
    for index, key in enumerate(keys):
        if None in key:
            keep.append(index)
        elif key not in seen:
            seen.add(key)
            keep.append(index)
    return keep, keys


def stored_keys(cur, prepared: _Prepared, keys: Sequence[tuple]) -> set[tuple]:
    """Those of `keys` (idempotency keys of `prepared`) already stored: one query bounded by the key columns'
    ranges (numbers, times) or value lists (text), compared exactly in Python."""
    candidates = [k for k in keys if None not in k]
    if not candidates:
        return set()
    key = prepared.table.unique_key or ()
    by_name = {s.name: s for s in prepared.specs}
    where, params = [], []
    for position, column in enumerate(key):
        values = {k[position] for k in candidates}
        spec = by_name[column]
        if spec.kind in ("int", "datetime", "date", "decimal"):
            ordered = sorted(values, key=Decimal if spec.kind == "decimal" else None)
            where.append(f"{ident(column)} BETWEEN %s AND %s")
            params += [ordered[0], ordered[-1]]
        elif len(values) <= IN_LIST_LIMIT:
            where.append(f"{ident(column)} IN ({', '.join(['%s'] * len(values))})")
            params += sorted(values)
    cur.execute(
        f"SELECT {', '.join(ident(c) for c in key)} FROM {ident(prepared.table.name)} WHERE {' AND '.join(where)}",
        params,
    )
    specs = [by_name[c] for c in key]
    return {tuple(from_database(s, v) for s, v in zip(specs, row, strict=True)) for row in cur.fetchall()}


# ---------------------------------------------------------------- the MySQL transaction


def _start(conn) -> None:
    with conn.cursor() as cur:
        cur.execute(f"SET SESSION time_zone = '+00:00', SESSION sql_mode = '{SESSION_SQL_MODE}'")
        try:
            cur.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        except pymysql.err.OperationalError as error:
            if error.args and error.args[0] == 1568:
                raise StoreError(
                    "write_batch needs a connection without an open transaction: commit or roll back first "
                    "(the audit write must be its own transaction)"
                ) from None
            raise
    conn.begin()


def _lock_counter(cur, table: AuditTable) -> tuple[int, str]:
    query = (
        f"SELECT last_sequence, last_row_hash, sequence_column, timestamp_column FROM {ident(SEQUENCE_MANAGER)} "
        "WHERE table_name = %s FOR UPDATE"
    )
    cur.execute(query, (table.name,))
    row = cur.fetchone()
    if row is None:
        cur.execute(
            f"INSERT IGNORE INTO {ident(SEQUENCE_MANAGER)} (table_name, sequence_column, timestamp_column) "
            "VALUES (%s, %s, %s)",
            (table.name, table.sequence_column, table.timestamp_column),
        )
        cur.execute(query, (table.name,))
        row = cur.fetchone()
    last, head, sequence_column, timestamp_column = int(row[0]), row[1], row[2], row[3]
    if (sequence_column, timestamp_column) != (table.sequence_column, table.timestamp_column):
        raise StoreError(
            f"{SEQUENCE_MANAGER} row of {table.name} names ({sequence_column}, {timestamp_column}), the schema "
            f"({table.sequence_column}, {table.timestamp_column}): the control table was altered; run "
            "`genims audit verify` and restore it from the audit table"
        )
    cur.execute(f"SELECT MAX({ident(table.sequence_column)}) FROM {ident(table.name)}")
    stored = cur.fetchone()[0]
    if stored is not None and int(stored) > last:
        raise StoreError(
            f"{table.name} holds sequence {stored} but {SEQUENCE_MANAGER} says {last}: the counter was moved back. "
            "Nothing was written; run `genims audit verify`"
        )
    return last, head


def _warnings(cur) -> str | None:
    cur.execute("SHOW WARNINGS LIMIT 3")
    rows = cur.fetchall()
    return "; ".join(f"{r[1]}: {r[2]}" for r in rows) if rows else None


def _load_data(cur, table: str, columns: Sequence[str], lines: list[str]) -> int:
    fd, path = tempfile.mkstemp(prefix="genims_audit_", suffix=".tsv", dir=_TEMP_DIR)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write("\n".join(lines))
            handle.write("\n")
        return cur.execute(
            f"LOAD DATA LOCAL INFILE %s INTO TABLE {ident(table)} CHARACTER SET utf8mb4 "
            "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' "
            f"({', '.join(ident(c) for c in columns)})",
            (path,),
        )
    finally:
        os.unlink(path)


def _tsv_fields(spec: ColumnSpec, values: Sequence) -> list[str]:
    has_null = None in values
    if spec.kind == "int":
        return ["\\N" if v is None else str(v) for v in values] if has_null else list(map(str, values))
    if spec.kind in ("text", "json"):
        present = [v for v in values if v is not None] if has_null else values
        if _NEEDS_ESCAPE.search("".join(present)):
            return ["\\N" if v is None else v.translate(_ESCAPES) for v in values]
    return ["\\N" if v is None else v for v in values] if has_null else list(values)


class _Loader:
    """Loads the chunks of one table: the caller builds chunk n+1 while a worker thread has MySQL ingest chunk n
    (PyMySQL waits on the socket without the GIL). If the server refuses LOCAL INFILE, executemany INSERTs take
    that chunk and the rest. Each statement's row and warning counts are checked."""

    def __init__(self, cur, table: str, names: list[str]) -> None:
        self.cur, self.table, self.names = cur, table, names
        self.method = "load_data"
        self.pool: ThreadPoolExecutor | None = None
        self.pending: tuple[Future, tuple] | None = None

    def add(self, specs: Sequence[ColumnSpec], sequences: list[int], columns: list[list], hashes: list[str]) -> None:
        if self.method == "executemany":
            self._check(self._executemany((sequences, columns, hashes)))
            return
        fields = [_tsv_fields(s, c) for s, c in zip(specs[1:], columns, strict=True)]
        lines = ["\t".join(parts) for parts in zip(map(str, sequences), *fields, hashes, strict=True)]
        self.wait()
        self.pool = self.pool or ThreadPoolExecutor(1, thread_name_prefix="audit-load")
        self.pending = (self.pool.submit(self._load, lines), (sequences, columns, hashes))

    def _load(self, lines: list[str]) -> tuple[int, int, str | None]:
        return _load_data(self.cur, self.table, self.names, lines), len(lines), _warnings(self.cur)

    def _executemany(self, parts: tuple) -> tuple[int, int, str | None]:
        sequences, columns, hashes = parts
        rows = list(zip(sequences, *columns, hashes, strict=True))
        columns_sql = ", ".join(ident(c) for c in self.names)
        placeholders = ", ".join(["%s"] * len(self.names))
        self.cur.executemany(f"INSERT INTO {ident(self.table)} ({columns_sql}) VALUES ({placeholders})", rows)
        return len(rows), len(rows), _warnings(self.cur)

    def _check(self, outcome: tuple[int, int, str | None]) -> None:
        loaded, expected, problem = outcome
        if loaded != expected or problem:
            raise StoreError(
                f"{self.table}: MySQL took {loaded} of {expected} rows ({problem or 'no warning'}); nothing was "
                "committed. A key that differs only in case or accents from a stored one is a duplicate for MySQL: "
                "fix the producer's key"
            )

    def wait(self) -> None:
        if self.pending is None:
            return
        future, parts = self.pending
        self.pending = None
        try:
            outcome = future.result()
        except pymysql.err.MySQLError as error:
            if not (error.args and error.args[0] in LOCAL_INFILE_REFUSED):
                raise
            self.method = "executemany"
            outcome = self._executemany(parts)
        self._check(outcome)

    def close(self) -> None:
        """Wait for a load in flight (the connection must be idle before a rollback), then stop the thread."""
        if self.pending is not None:
            try:
                self.pending[0].result()
            except Exception:  # noqa: BLE001 - the caller is already handling the first error
                pass
            self.pending = None
        if self.pool is not None:
            self.pool.shutdown(wait=True)


def _write_table(cur, prepared: _Prepared, writer: str) -> TableWrite:
    table = prepared.table
    last, head = _lock_counter(cur, table)
    keep, keys = _drop_batch_duplicates(prepared)
    existing = stored_keys(cur, prepared, [keys[i] for i in keep]) if keys else set()
    if existing:
        keep = [i for i in keep if keys[i] not in existing]
    duplicates = prepared.size - len(keep)
    if not keep:
        return TableWrite(table.name, 0, duplicates, None, None, last, head, "none")
    if len(keep) < prepared.size:
        prepared.select(keep)
    first = last + 1
    sequences = list(range(first, first + len(keep)))
    loader = _Loader(cur, table.name, [s.name for s in prepared.specs] + ["row_hash"])
    previous = head
    try:
        for start in range(0, len(keep), LOAD_CHUNK_ROWS):
            part = slice(start, start + LOAD_CHUNK_ROWS)
            chunk_sequences, chunk_columns = sequences[part], prepared.chunk(part)
            hashes = chain(previous, canonical_rows(prepared.specs, [chunk_sequences, *chunk_columns]))
            previous = hashes[-1]
            loader.add(prepared.specs, chunk_sequences, chunk_columns, hashes)
        loader.wait()
    finally:
        loader.close()
    timestamps = prepared.columns[[s.name for s in prepared.specs[1:]].index(table.timestamp_column)]
    cur.execute(
        f"UPDATE {ident(SEQUENCE_MANAGER)} SET last_sequence = %s, last_row_hash = %s, last_event_timestamp = %s, "
        "last_assigned_by = %s WHERE table_name = %s",
        (sequences[-1], previous, timestamps[-1], writer[:128], table.name),
    )
    return TableWrite(table.name, len(keep), duplicates, first, sequences[-1], sequences[-1], previous, loader.method)


def _read_head(cur, table: AuditTable) -> tuple[int, str]:
    cur.execute(
        f"SELECT last_sequence, last_row_hash FROM {ident(SEQUENCE_MANAGER)} WHERE table_name = %s", (table.name,)
    )
    row = cur.fetchone()
    return (int(row[0]), row[1]) if row else (0, ZERO_HASH)


def _merge(first: TableWrite, second: TableWrite) -> TableWrite:
    """One table written by both passes of a call: its totals, the range across both, the head after the second."""
    return TableWrite(
        first.table,
        first.inserted + second.inserted,
        first.duplicates + second.duplicates,
        first.sequence_from if first.sequence_from is not None else second.sequence_from,
        second.sequence_to if second.sequence_to is not None else first.sequence_to,
        second.last_sequence,
        second.last_row_hash,
        second.method if second.method != "none" else first.method,
    )


def write_batch(
    conn,
    rows_by_table: Mapping[str, Sequence[Mapping]],
    writer: str,
    *,
    then: Callable[[dict[str, TableWrite]], Mapping[str, Sequence[Mapping]]] | None = None,
    then_tables: Collection[str] = (),
) -> dict[str, TableWrite]:
    """Insert audit rows, numbered and chained, in ONE MySQL transaction; the only insert path of the audit tables.

    `conn`: a PyMySQL connection to genims_audit_db (mysql_connect(..., local_infile=True), autocommit off)
    without an open transaction; its session gets time_zone +00:00 and a strict sql_mode. Rows are
    column -> value without the sequence, row_hash and created_at. Guarantees: every value is validated
    against its column (ValueError naming table, row, column; nothing of the call is written: key columns are
    checked before the transaction, the others chunk by chunk inside it); rows whose idempotency key is stored,
    or repeated in the batch, are skipped and counted as duplicates; the others get the next gapless sequences
    and hash-chain links; on any error the transaction is rolled back (StoreError when MySQL would have altered
    the batch).

    `then`: called with the writes of `rows_by_table` before COMMIT; the rows it returns (only tables named in
    `then_tables`, whose counters are locked up front with the others, in sorted order) are written in the same
    transaction with their own sequences and chain links, so they commit or roll back with the batch. A table
    in both passes gets one merged TableWrite.
    """
    prepared = {name: prepare_rows(name, list(rows), complete=False) for name, rows in rows_by_table.items()}
    follow = {audit_table(name).name for name in then_tables}
    if follow and then is None:
        raise ValueError("write_batch: then_tables names tables but no `then` callable was given")
    results: dict[str, TableWrite] = {}
    _start(conn)
    try:
        with conn.cursor() as cur:
            if follow:
                for name in sorted(follow | {n for n, p in prepared.items() if p.size}):
                    _lock_counter(cur, audit_table(name))  # one lock order for both passes: no deadlock
            _write_all(cur, prepared, writer, results)
            if then is not None:
                extra = then(dict(results))
                unknown = sorted(set(extra) - follow)
                if unknown:
                    raise StoreError(
                        f"write_batch: `then` returned rows for {', '.join(unknown)}, not named in then_tables "
                        "(their counters must be locked before the batch); nothing was committed"
                    )
                second: dict[str, TableWrite] = {}
                later = {name: prepare_rows(name, list(rows), complete=False) for name, rows in extra.items()}
                _write_all(cur, later, writer, second)
                for name, write in second.items():
                    results[name] = _merge(results[name], write) if name in results else write
        conn.commit()
    except BaseException:
        try:
            conn.rollback()
        except Exception:  # noqa: BLE001 - a dead connection has rolled back already
            pass
        raise
    return results


def _write_all(cur, prepared: Mapping[str, _Prepared], writer: str, results: dict[str, TableWrite]) -> None:
    for name in sorted(prepared):
        if prepared[name].size == 0:
            last, head = _read_head(cur, prepared[name].table)
            results[name] = TableWrite(name, 0, 0, None, None, last, head, "none")
        else:
            results[name] = _write_table(cur, prepared[name], writer)


def connect_store(settings: Settings):
    """A connection for write_batch: the audit database as the shipper account, LOCAL INFILE on."""
    return mysql_connect(settings.audit, local_infile=True)
