"""Monthly RANGE COLUMNS partitions of the MySQL tables: naming, pre-creation, coverage.

Partitioned tables are created with one catch-all partition `pmax`; this module
splits it into monthly partitions named pYYYYMM (the first one also holds
anything older), always keeping `pmax` last so that no insert can fail at a
month boundary. Retention then drops whole months with DROP PARTITION.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

CATCH_ALL = "pmax"
_MONTHLY = re.compile(r"p(\d{4})(\d{2})")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")

REPORTING_MONTHS_BACK = 12
REPORTING_MONTHS_AHEAD = 3
AUDIT_MONTHS_BACK = 1
AUDIT_MONTHS_AHEAD = 12


def ident(name: str) -> str:
    """A MySQL identifier from our own schema files, checked and quoted."""
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"refusing unexpected SQL identifier {name!r}")
    return f"`{name}`"


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"p{month:%Y%m}"


def partition_month(name: str) -> date | None:
    match = _MONTHLY.fullmatch(name)
    return date(int(match.group(1)), int(match.group(2)), 1) if match else None


@dataclass(frozen=True)
class PartitionInfo:
    name: str
    ordinal: int
    bound: str  # the VALUES LESS THAN expression as MySQL reports it
    rows: int


def partitions(cursor, database: str, table: str) -> list[PartitionInfo]:
    """The table's partitions in order (empty if it is not partitioned)."""
    cursor.execute(
        "SELECT partition_name, partition_ordinal_position, partition_description, table_rows "
        "FROM information_schema.partitions WHERE table_schema = %s AND table_name = %s "
        "AND partition_name IS NOT NULL ORDER BY partition_ordinal_position",
        (database, table),
    )
    return [PartitionInfo(r[0], int(r[1]), str(r[2]), int(r[3] or 0)) for r in cursor.fetchall()]


def months_to_add(existing: list[PartitionInfo], table: str, first: date, last: date) -> list[date]:
    """The months to split out of pmax so that monthly partitions reach `last` (inclusive), oldest first.

    Months are only ever appended after the newest monthly partition; `first`
    matters only while the table has none yet.
    """
    if not existing:
        raise ValueError(f"{table} is not partitioned; the schema file says it should be")
    if existing[-1].name != CATCH_ALL:
        raise ValueError(f"{table} has no catch-all partition {CATCH_ALL}; it must be the last one")
    months = [m for m in (partition_month(p.name) for p in existing) if m is not None]
    month = add_months(max(months), 1) if months else month_start(first)
    wanted = []
    while month <= month_start(last):
        wanted.append(month)
        month = add_months(month, 1)
    return wanted


def ensure_monthly_partitions(cursor, database: str, table: str, first: date, last: date) -> list[str]:
    """Make sure monthly partitions exist up to `last` (inclusive), in one REORGANIZE of pmax; returns the names
    added (see months_to_add)."""
    wanted = months_to_add(partitions(cursor, database, table), f"{database}.{table}", first, last)
    if not wanted:
        return []
    clauses = [f"PARTITION {partition_name(m)} VALUES LESS THAN ('{add_months(m, 1).isoformat()}')" for m in wanted]
    clauses.append(f"PARTITION {CATCH_ALL} VALUES LESS THAN (MAXVALUE)")
    cursor.execute(f"ALTER TABLE {ident(table)} REORGANIZE PARTITION {CATCH_ALL} INTO ({', '.join(clauses)})")
    return [partition_name(m) for m in wanted]


def coverage_problems(cursor, database: str, table: str, today: date, months_ahead: int = 1) -> list[str]:
    """What is missing for inserts of this month and the next `months_ahead` to land in monthly partitions."""
    existing = {p.name for p in partitions(cursor, database, table)}
    if not existing:
        return [f"{database}.{table}: not partitioned"]
    problems = []
    if CATCH_ALL not in existing:
        problems.append(f"{database}.{table}: catch-all partition {CATCH_ALL} is missing")
    for k in range(months_ahead + 1):
        name = partition_name(add_months(month_start(today), k))
        if name not in existing:
            problems.append(f"{database}.{table}: partition {name} is missing (run `genims setup` to pre-create it)")
    return problems
