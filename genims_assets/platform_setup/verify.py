"""`genims verify`: does every database have the structure the project's files describe?

Checks, and lists every difference (never changes anything):
- both MySQL databases exist with utf8mb4; all tables of sql/mysql/*_schema.sql exist, in utf8mb4, with
  their columns; every index of sql/mysql/*_indexes.sql exists on the same columns; partitioned tables are
  partitioned by RANGE COLUMNS on the file's column, keep the catch-all, and have this and next month's
  partitions;
- the audit database (read as MYSQL_ADMIN_USER: the audit accounts cannot see triggers) has every
  append-only trigger of sql/mysql/audit_guard.sql unchanged, and the shipper, reader and retention
  accounts exist with exactly their rights (genims_assets/audit/accounts.py);
- all 13 source databases exist with every table and column of the GenIMS catalog.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from genims_assets.audit.accounts import audit_security_problems, connect_as
from genims_assets.connections import ConnectionFailed, postgres_connect
from genims_assets.mysql_partitions import coverage_problems
from genims_assets.platform_setup.mysql_schema import (
    AUDIT,
    LayerSchema,
    database_charset,
    existing_columns,
    existing_indexes,
    layers,
)
from genims_assets.platform_setup.sources import structure_problems
from genims_assets.settings import SOURCE_DATABASES, MySQLTarget, Settings
from genims_assets.sqlfiles import source_tables


@dataclass
class VerifyReport:
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_layer(layer: LayerSchema, target: MySQLTarget, today: date) -> tuple[list[str], str]:
    """Problems of one MySQL database, and a one-line summary of what was checked."""
    problems: list[str] = []
    where = f"{target.database} ({target.address})"
    server = connect_as(target, database=None)
    try:
        with server.cursor() as cur:
            charset = database_charset(cur, target.database)
    finally:
        server.close()
    if charset is None:
        return [f"{where}: database does not exist (run `genims setup`)"], f"{where}: missing"
    if charset != "utf8mb4":
        problems.append(f"{where}: default character set is {charset}, expected utf8mb4")

    expected = layer.tables()
    expected_indexes = layer.indexes()
    conn = connect_as(target)
    try:
        with conn.cursor() as cur:
            actual = existing_columns(cur, target.database)
            cur.execute(
                "SELECT table_name, table_collation FROM information_schema.tables WHERE table_schema = %s",
                (target.database,),
            )
            collations = dict(cur.fetchall())
            cur.execute(
                "SELECT table_name, partition_method, partition_expression FROM information_schema.partitions "
                "WHERE table_schema = %s AND partition_ordinal_position = 1",
                (target.database,),
            )
            methods = {t: (m, (e or "").strip("`")) for t, m, e in cur.fetchall()}
            present_indexes = existing_indexes(cur, target.database)
            for name, table in expected.items():
                if name not in actual:
                    problems.append(f"{where}: table {name} is missing")
                    continue
                missing = [c for c in table.column_names if c not in actual[name]]
                if missing:
                    problems.append(f"{where}: {name}: columns missing: {', '.join(missing)}")
                if not str(collations.get(name, "")).startswith("utf8mb4"):
                    problems.append(f"{where}: {name}: collation {collations.get(name)}, expected utf8mb4")
                if table.partition_column:
                    method, expression = methods.get(name, (None, ""))
                    if method != "RANGE COLUMNS" or expression != table.partition_column:
                        problems.append(
                            f"{where}: {name}: partitioned by {method or 'nothing'} {expression}, "
                            f"expected RANGE COLUMNS({table.partition_column})"
                        )
                    else:
                        problems.extend(f"{where}: {p}" for p in coverage_problems(cur, target.database, name, today))
            for index in expected_indexes:
                if index.table not in actual:
                    continue
                found = present_indexes.get((index.table, index.name))
                if found is None:
                    problems.append(f"{where}: index {index.name} on {index.table} is missing")
                elif found != index.columns:
                    problems.append(
                        f"{where}: index {index.name} on {index.table} covers ({', '.join(found)}), "
                        f"expected ({', '.join(index.columns)})"
                    )
    finally:
        conn.close()
    return problems, f"{where}: {len(expected)} tables, {len(expected_indexes)} indexes"


def verify_sources(settings: Settings) -> tuple[list[str], list[str]]:
    problems, checked = [], []
    server = settings.postgres
    for short, database in server.databases.items():
        catalog_name = SOURCE_DATABASES[short]
        try:
            conn = postgres_connect(server, database)
        except ConnectionFailed as error:
            if "does not exist" in str(error):
                problems.append(f"{database} ({server.address}): database does not exist (run `genims setup`)")
            else:
                problems.append(str(error))
            continue
        try:
            problems.extend(structure_problems(conn, catalog_name, database))
        finally:
            conn.close()
        checked.append(f"{database}: {len(source_tables(catalog_name))} tables")
    return problems, checked


def verify(settings: Settings, today: date | None = None) -> VerifyReport:
    today = today or datetime.now(UTC).date()
    report = VerifyReport()
    for layer, target in layers(settings):
        problems, summary = verify_layer(layer, target, today)
        if layer is AUDIT and not any("database does not exist" in p for p in problems):
            security = audit_security_problems(settings)
            problems.extend(security)
            summary += ", append-only triggers and audit accounts"
        report.problems.extend(problems)
        report.checked.append(summary)
    problems, checked = verify_sources(settings)
    report.problems.extend(problems)
    report.checked.extend(checked)
    return report
