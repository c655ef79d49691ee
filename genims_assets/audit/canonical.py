"""The canonical form of an audit row: column specs, values as MySQL returns them, canonical text, the chain.

Why it is built this way (contract: genims_assets/audit/README.md section 3):
- The writer (store.py) and the verifier (verify.py) must compute the same
  text for the same row, so both use this module: `table_specs` reads the
  column types from sql/mysql/audit_schema.sql, `prepare_rows` checks and
  normalises a batch to the values MySQL will hand back (DATETIME(6) as
  `YYYY-MM-DD HH:MM:SS.ffffff`, DECIMAL with its scale, JSON in the canonical
  form of canonical_json.py, NULL as null), `canonical_rows` makes the JSON
  array of each row and `chain` the sha256 links.
- LOAD DATA LOCAL treats bad values as warnings, so every value is validated
  here against its column type first (a ValueError names table, row, column).
- Values are converted column by column with C-level helpers (map, set, max,
  str, json's C encoder): a call per value is the cost at 100k rows/s.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timezone
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from functools import cache
from hashlib import sha256
from json.encoder import encode_basestring
from operator import itemgetter

from genims_assets.audit.canonical_json import canonical_json, canonical_json_column, canonical_json_text
from genims_assets.audit.tables import AuditTable, audit_table
from genims_assets.sqlfiles import read_sql

ZERO_HASH = "0" * 64
_DATETIME_TEXT = re.compile(r"(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?")
_WIDE = Context(prec=100)  # DECIMAL(65, s) fits; the default 28 digits would not
_INT_BOUNDS = {name: (-(2**bits), 2**bits - 1) for name, bits in (("TINYINT", 7), ("SMALLINT", 15), ("INT", 31))}
_INT_BOUNDS |= {"BIGINT": (-(2**63), 2**63 - 1), "BIGINT UNSIGNED": (0, 2**64 - 1)}


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
        # Naive (taken as UTC) or at offset 0, as PostgreSQL's timestamptz arrives in a UTC session; else the loop.
        if not all(z is None or type(z) is timezone and not z.utcoffset(None) for z in {v.tzinfo for v in present}):
            return None
        return [None if v is None else v.isoformat(" ", "microseconds")[:26] for v in values]
    if kind == "json":
        return canonical_json_column(values)
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


def canonical_tails(specs: Sequence[ColumnSpec], columns: Sequence[Sequence]) -> list[str]:
    """The canonical text of each row after its sequence: canonical_rows is `[` + sequence + `,` + tail + `]`.

    `columns` holds one normalised value list per payload spec (specs[1:]).
    """
    pieces = [_fragments(spec, values) for spec, values in zip(specs[1:], columns, strict=True)]
    return [",".join(parts) for parts in zip(*pieces, strict=True)]


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


# ---------------------------------------------------------------- validation of a batch


@dataclass
class _Prepared:
    """A validated batch of one table. Key columns are normalised at once (duplicates are found on them);
    the others either at once (`complete`) or chunk by chunk while the previous chunk loads."""

    table: AuditTable
    specs: tuple[ColumnSpec, ...]
    raw: list[Sequence]  # one value list per payload spec (specs[1:]), as given
    columns: list[list | None]  # normalised, or None until normalised
    # Set by the store's prepare_batch: per row, its canonical text and its LOAD DATA line without the sequence
    # (and row_hash), made before the write's transaction; each chunk then only adds those two.
    canonical_tails: list[str] | None = None
    load_tails: list[str] | None = None

    @property
    def size(self) -> int:
        return len(self.raw[0]) if self.raw else 0

    def __len__(self) -> int:
        return self.size

    def values(self, column: str) -> list:
        """One payload column's values, normalised when they are already, else as given."""
        index = [s.name for s in self.specs[1:]].index(column)
        return list(self.columns[index] if self.columns[index] is not None else self.raw[index])

    def selected(self, keep: list[int]) -> _Prepared:
        """A copy with only these rows (in this order)."""

        def pick(values):
            return None if values is None else [values[i] for i in keep]

        return _Prepared(
            self.table,
            self.specs,
            [pick(values) for values in self.raw],
            [pick(c) for c in self.columns],
            pick(self.canonical_tails),
            pick(self.load_tails),
        )

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
