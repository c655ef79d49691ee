"""What a reporting table is, declared once: grain, sources, window, checks, and its transformation.

Each reporting table reads one SQL file per source database
(sql/reporting/<table>/<short>.sql), each doing its aggregation inside
PostgreSQL for the window it is given, and a Python transformation combines
the per-database results into the table's rows (the measures that need more
than one database: OEE, margins, DSO ...). Every measure's formula is in the
table's description and in its MySQL column comment.

SQL parameters (pyformat, `%%` for a literal percent sign):
  %(start)s / %(end)s            timestamps, the window [start, end) in UTC
  %(start_date)s / %(end_date)s  the same as dates
  %(as_of)s                      the load time (snapshots: stock "now")
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd

DAILY, MONTHLY, SNAPSHOT, YEAR_TO_DATE = "daily", "monthly", "snapshot", "year_to_date"
GROUPS = ("operations", "sales", "finance", "inventory")


@dataclass(frozen=True)
class Window:
    """The slice of time one materialisation computes and replaces, and the rates its transforms apply."""

    start: datetime
    end: datetime
    as_of: datetime
    partition_keys: tuple[str, ...] = ()
    energy_tariff_per_kwh: float = 8.0  # ENERGY_TARIFF_PER_KWH

    def params(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "start_date": self.start.date(),
            "end_date": self.end.date(),
            "as_of": self.as_of,
        }

    def days(self) -> list[date]:
        first, last = self.start.date(), self.end.date()
        return [first + timedelta(days=i) for i in range((last - first).days)]


@dataclass(frozen=True)
class Control:
    """A control total: SUM(target column) per slice must equal the source's own total (control.sql)."""

    column: str
    source: str  # short name of the database control.sql runs on
    tolerance: float = 0.01


Transform = Callable[[dict[str, pd.DataFrame], Window], pd.DataFrame]


@dataclass(frozen=True)
class ReportingTable:
    name: str
    group: str
    cadence: str
    sources: tuple[str, ...]  # "db.table" the SQL reads (lineage)
    description: str
    transform: Transform
    date_column: str | None  # the column a load replaces a slice of
    percent_columns: tuple[str, ...] = ()  # must lie in 0..100
    nonnegative_columns: tuple[str, ...] = ()
    required_columns: tuple[str, ...] = ()  # never NULL
    control: Control | None = None
    extract_databases: tuple[str, ...] = field(default=())  # defaults to the databases of `sources`
    reporting_deps: tuple[str, ...] = ()  # other reporting tables this one is derived from (lineage)

    def __post_init__(self) -> None:
        if self.group not in GROUPS:
            raise ValueError(f"{self.name}: group {self.group!r} is not one of {GROUPS}")
        if self.cadence not in (DAILY, MONTHLY, SNAPSHOT, YEAR_TO_DATE):
            raise ValueError(f"{self.name}: unknown cadence {self.cadence!r}")

    @property
    def databases(self) -> tuple[str, ...]:
        if self.extract_databases:
            return self.extract_databases
        return tuple(dict.fromkeys(source.split(".")[0] for source in self.sources))

    @property
    def resource_databases(self) -> tuple[str, ...]:
        """Databases the materialisation connects to: those extracted from, and the control total's."""
        extra = (self.control.source,) if self.control and self.control.source not in self.databases else ()
        return self.databases + extra

    @property
    def partitioned(self) -> bool:
        return self.cadence in (DAILY, MONTHLY)

    def slice_bounds(self, window: Window) -> tuple[object, object]:
        """The [low, high) range of `date_column` a load of `window` replaces."""
        if self.cadence == YEAR_TO_DATE:
            return window.as_of.year, window.as_of.year + 1
        if self.cadence == SNAPSHOT:
            day = window.as_of.date()
            return day, day + timedelta(days=1)
        return window.start.date(), window.end.date()
