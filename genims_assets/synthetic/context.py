"""What every generator module works with: scale, seed, time window, and the rows made so far.

Determinism: the same (seed, scale, days, end) gives the same rows, byte for
byte. Each module draws from its own random stream (`ctx.rng("mes")`), so a
change in one module's draws does not shift another's. The window ends at
`end` (by default the current hour, UTC), so freshness and daily partitions
are real.

Rows are dicts keyed by the catalog's column names; a table's rows must all
have the same keys (columns left out take the database default). Tables that
other modules reference are kept as lists; the few very large leaf tables may
be given as iterators, which are consumed once, while loading.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from genims_assets.settings import SOURCE_DATABASES
from genims_assets.sqlfiles import source_tables


def current_hour_utc() -> datetime:
    """Now, truncated to the hour, as naive UTC (the sources store timestamp without time zone)."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0, tzinfo=None)


@dataclass
class GenContext:
    seed: int
    scale: float
    days: int
    end: datetime = field(default_factory=current_hour_utc)
    _tables: dict[tuple[str, str], list[dict] | Iterator[dict]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not (self.scale > 0 and math.isfinite(self.scale)):
            raise ValueError(f"scale must be a positive number, got {self.scale}")
        if self.days < 1:
            raise ValueError(f"days must be at least 1, got {self.days}")
        if self.end.tzinfo is not None:
            self.end = self.end.astimezone(UTC).replace(tzinfo=None)

    # -- time window ---------------------------------------------------------
    @property
    def start(self) -> datetime:
        """First instant of the window: midnight UTC, `days` days before the end's day."""
        return datetime.combine(self.end.date() - timedelta(days=self.days - 1), datetime.min.time())

    def window_days(self) -> list[date]:
        """Every calendar day of the window, the last one being today (partial up to `end`)."""
        first = self.start.date()
        return [first + timedelta(days=i) for i in range(self.days)]

    # -- randomness and volume ----------------------------------------------
    def rng(self, stream: str) -> random.Random:
        """An independent, reproducible random stream for one module or table."""
        return random.Random(f"genims:{self.seed}:{stream}")

    def count(self, base: float, minimum: int = 1) -> int:
        """`base` entities at scale 1, scaled, never fewer than `minimum`."""
        return max(minimum, round(base * self.scale))

    # -- rows ------------------------------------------------------------------
    def add(self, db: str, table: str, rows: list[dict] | Iterable[dict]) -> None:
        """Record the rows of `db.table` (db is the short name, e.g. "mes")."""
        if db not in SOURCE_DATABASES:
            raise KeyError(f"unknown source database {db!r}")
        if table not in source_tables(SOURCE_DATABASES[db]):
            raise KeyError(f"{db}.{table} is not a table of the GenIMS catalog")
        if (db, table) in self._tables:
            raise ValueError(f"{db}.{table} was already generated")
        self._tables[(db, table)] = rows if isinstance(rows, list) else iter(rows)

    def rows(self, db: str, table: str) -> list[dict]:
        """The rows generated so far for `db.table` (a list; empty if none were made)."""
        rows = self._tables.get((db, table), [])
        if not isinstance(rows, list):
            raise TypeError(f"{db}.{table} is streamed while loading and cannot be referenced")
        return rows

    def has(self, db: str, table: str) -> bool:
        return (db, table) in self._tables

    def tables_of(self, db: str) -> list[tuple[str, list[dict] | Iterator[dict]]]:
        return [(table, rows) for (d, table), rows in self._tables.items() if d == db]

    def take(self, db: str, table: str) -> list[dict] | Iterator[dict]:
        """Hand over and forget a table's rows (the loader frees memory as it goes)."""
        return self._tables.pop((db, table))


def weighted(rng: random.Random, choices: dict, k: int | None = None):
    """One (or k) of `choices` keys drawn with their values as weights."""
    keys, weights = list(choices), list(choices.values())
    if k is None:
        return rng.choices(keys, weights)[0]
    return rng.choices(keys, weights, k=k)


def money(value: float) -> float:
    return round(value, 2)


def cover(rng: random.Random, n: int, weights: dict) -> list:
    """n weighted picks in which every key occurs at least once (when n allows), shuffled."""
    keys = list(weights)
    picks = keys[:n] + (weighted(rng, weights, k=n - len(keys)) if n > len(keys) else [])
    rng.shuffle(picks)
    return picks


def rows_if_any(ctx: GenContext, db: str, table: str) -> list[dict]:
    """Rows of an earlier module when it ran and kept them as a list; otherwise none."""
    try:
        return ctx.rows(db, table)
    except TypeError:
        return []


def clamp_stamps_to_window(ctx: GenContext, db: str) -> None:
    """Nothing is recorded after the window's end, and no row is updated before it was created.

    Stamps derived from a day and a habitual hour can fall after `end` on the window's last day.
    """
    for _table, rows in ctx.tables_of(db):
        for r in rows:
            if "created_at" in r and r["created_at"] and r["created_at"] > ctx.end:
                r["created_at"] = ctx.end
            if "updated_at" in r and r["updated_at"]:
                r["updated_at"] = min(ctx.end, max(r["updated_at"], r.get("created_at") or r["updated_at"]))
