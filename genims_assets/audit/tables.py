"""The 30 audit tables as declared in sql/mysql/audit_schema.sql: columns, sequence and timestamp columns."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from genims_assets.sqlfiles import TableDef, parse_tables, read_sql

SEQUENCE_MANAGER = "audit_sequence_manager"
# Columns every writer leaves to the store: assigned or defaulted in the MySQL transaction.
ASSIGNED_COLUMNS = ("row_hash", "created_at")


@dataclass(frozen=True)
class AuditTable:
    definition: TableDef
    sequence_column: str
    timestamp_column: str
    # The idempotency key (a UNIQUE key of the table), None when the table has none.
    unique_key: tuple[str, ...] | None

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def payload_columns(self) -> tuple[str, ...]:
        """Columns a producer supplies: all but the sequence, row_hash and created_at."""
        skip = {self.sequence_column, *ASSIGNED_COLUMNS}
        return tuple(c for c in self.definition.column_names if c not in skip)


@cache
def audit_tables() -> dict[str, AuditTable]:
    """The 29 append-only audit tables by name (audit_sequence_manager, the control table, is not one)."""
    text = read_sql("mysql", "audit_schema.sql")
    result = {}
    for name, table in parse_tables(text).items():
        if name == SEQUENCE_MANAGER:
            continue
        sequence = table.primary_key[0]
        unique = _unique_key(text, name)
        result[name] = AuditTable(table, sequence, table.partition_column or table.primary_key[1], unique)
    return result


def audit_table(name: str) -> AuditTable:
    """One audit table, or a ValueError naming the known ones (table names never come from input unchecked)."""
    tables = audit_tables()
    if name not in tables:
        raise ValueError(f"{name!r} is not an audit table; known: {', '.join(sorted(tables))}")
    return tables[name]


def _unique_key(text: str, table: str) -> tuple[str, ...] | None:
    start = text.index(f"CREATE TABLE IF NOT EXISTS {table} (")
    end = text.index(";", start)
    for line in text[start:end].splitlines():
        line = line.strip()
        if line.startswith("UNIQUE KEY"):
            inside = line[line.index("(") + 1 : line.rindex(")")]
            return tuple(c.strip() for c in inside.split(","))
    return None
