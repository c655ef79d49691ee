"""Create the two MySQL databases of the platform and bring them to the schema files.

Only additions are ever made: a missing database, table, index or future
partition is created; a table whose columns differ from the file is reported
and left alone (`genims verify` lists the differences, `--reset` rebuilds).

The audit database is built as MYSQL_ADMIN_USER (its own users may not create
anything) and gets two more things: the append-only guard triggers of
sql/mysql/audit_guard.sql (a missing one is created, one that differs is put
back) and one audit_sequence_manager counter per audit table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from genims_assets.audit.accounts import apply_guard, connect_as, seed_sequence_manager
from genims_assets.mysql_partitions import (
    AUDIT_MONTHS_AHEAD,
    AUDIT_MONTHS_BACK,
    REPORTING_MONTHS_AHEAD,
    REPORTING_MONTHS_BACK,
    add_months,
    ensure_monthly_partitions,
    ident,
    month_start,
)
from genims_assets.settings import MySQLTarget, Settings
from genims_assets.sqlfiles import IndexDef, TableDef, parse_indexes, parse_tables, read_sql, split_statements


class SchemaMismatch(RuntimeError):
    """A MySQL database or table exists with a structure other than the schema files'."""


@dataclass(frozen=True)
class LayerSchema:
    """One MySQL database's expected schema, read from sql/mysql/."""

    kind: str  # "reporting" or "audit"
    schema_file: str
    index_file: str
    months_back: int
    months_ahead: int

    def tables(self) -> dict[str, TableDef]:
        return parse_tables(read_sql("mysql", self.schema_file))

    def create_statements(self) -> dict[str, str]:
        statements = {}
        for statement in split_statements(read_sql("mysql", self.schema_file)):
            name = next(iter(parse_tables(statement + "\n")), None)
            if name:
                statements[name] = statement
        return statements

    def indexes(self) -> list[IndexDef]:
        return parse_indexes(read_sql("mysql", self.index_file))


REPORTING = LayerSchema(
    "reporting", "reporting_schema.sql", "reporting_indexes.sql", REPORTING_MONTHS_BACK, REPORTING_MONTHS_AHEAD
)
AUDIT = LayerSchema("audit", "audit_schema.sql", "audit_indexes.sql", AUDIT_MONTHS_BACK, AUDIT_MONTHS_AHEAD)


def layers(settings: Settings) -> list[tuple[LayerSchema, MySQLTarget]]:
    """Each layer with the login its DDL runs as: the reporting user, and the admin for the audit database."""
    return [(REPORTING, settings.reporting), (AUDIT, settings.admin_target(settings.audit))]


@dataclass
class LayerResult:
    database: str
    created_database: bool = False
    tables_created: list[str] = field(default_factory=list)
    indexes_created: list[str] = field(default_factory=list)
    partitions_added: int = 0
    tables: int = 0
    # Audit layer only: guard triggers created or put back, sequence counters added.
    triggers_created: list[str] = field(default_factory=list)
    triggers_replaced: list[str] = field(default_factory=list)
    counters_added: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.created_database
            or self.tables_created
            or self.indexes_created
            or self.partitions_added
            or self.triggers_created
            or self.triggers_replaced
            or self.counters_added
        )


def database_charset(cursor, database: str) -> str | None:
    cursor.execute(
        "SELECT default_character_set_name FROM information_schema.schemata WHERE schema_name = %s", (database,)
    )
    row = cursor.fetchone()
    return row[0] if row else None


def existing_columns(cursor, database: str) -> dict[str, list[str]]:
    cursor.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = %s "
        "ORDER BY table_name, ordinal_position",
        (database,),
    )
    columns: dict[str, list[str]] = {}
    for table, column in cursor.fetchall():
        columns.setdefault(table, []).append(column)
    return columns


def existing_indexes(cursor, database: str) -> dict[tuple[str, str], tuple[str, ...]]:
    cursor.execute(
        "SELECT table_name, index_name, column_name FROM information_schema.statistics "
        "WHERE table_schema = %s ORDER BY table_name, index_name, seq_in_index",
        (database,),
    )
    indexes: dict[tuple[str, str], list[str]] = {}
    for table, index, column in cursor.fetchall():
        indexes.setdefault((table, index), []).append(column)
    return {k: tuple(v) for k, v in indexes.items()}


def apply_layer(layer: LayerSchema, target: MySQLTarget, today: date, say: Callable[[str], None]) -> LayerResult:
    """Bring one MySQL database up to its schema files (additions only)."""
    result = LayerResult(target.database)
    server = connect_as(target, database=None, autocommit=True)
    try:
        with server.cursor() as cur:
            charset = database_charset(cur, target.database)
            if charset is None:
                cur.execute(
                    f"CREATE DATABASE {ident(target.database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                )
                result.created_database = True
            elif charset != "utf8mb4":
                raise SchemaMismatch(
                    f"MySQL database {target.database} at {target.address} uses character set {charset}, not utf8mb4. "
                    "Nothing was changed. Convert it (ALTER DATABASE ... CHARACTER SET utf8mb4) or rebuild it with "
                    "`genims setup --reset`."
                )
    finally:
        server.close()

    expected = layer.tables()
    statements = layer.create_statements()
    result.tables = len(expected)
    conn = connect_as(target, autocommit=True)
    try:
        with conn.cursor() as cur:
            actual = existing_columns(cur, target.database)
            problems = []
            for name, table in expected.items():
                if name not in actual:
                    continue
                missing = [c for c in table.column_names if c not in actual[name]]
                if missing:
                    problems.append(f"{target.database}.{name}: columns missing: {', '.join(missing)}")
            if problems:
                raise SchemaMismatch(
                    f"{target.database} at {target.address} differs from sql/mysql/{layer.schema_file} "
                    f"({len(problems)} tables; first: {problems[0]}). Nothing was changed. "
                    "Run `genims verify` for the full list, or `genims setup --reset` to rebuild."
                )
            for name in expected:
                if name not in actual:
                    cur.execute(statements[name])
                    result.tables_created.append(name)
            present = existing_indexes(cur, target.database)
            for index in layer.indexes():
                if (index.table, index.name) not in present:
                    cur.execute(
                        f"CREATE INDEX {ident(index.name)} ON {ident(index.table)} "
                        f"({', '.join(ident(c) for c in index.columns)})"
                    )
                    result.indexes_created.append(index.name)
            first = add_months(month_start(today), -layer.months_back)
            last = add_months(month_start(today), layer.months_ahead)
            for name, table in expected.items():
                if table.partition_column:
                    result.partitions_added += len(ensure_monthly_partitions(cur, target.database, name, first, last))
            if layer.kind == "audit":
                result.triggers_created, result.triggers_replaced = apply_guard(cur, target.database)
                result.counters_added = seed_sequence_manager(cur)
    finally:
        conn.close()
    return result


def drop_layer(target: MySQLTarget) -> None:
    conn = connect_as(target, database=None, autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {ident(target.database)}")
    finally:
        conn.close()
