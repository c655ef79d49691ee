"""Build the 13 GenIMS source databases: create, load the catalog DDL and our indexes, generate and COPY data.

Re-running is safe: a database whose structure matches and that already holds
generated data is left alone and reported as such; a database whose structure
differs from the catalog is never altered (the build stops and says which
tables differ; `genims verify` lists them, `--reset` rebuilds).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from psycopg2 import sql

from genims_assets.connections import postgres_connect
from genims_assets.settings import SOURCE_DATABASES, Settings
from genims_assets.sqlfiles import TableDef, read_sql, run_script, source_tables
from genims_assets.synthetic import GENERATORS, generate_all
from genims_assets.synthetic.context import GenContext
from genims_assets.synthetic.copy_load import copy_rows, reset_serial_sequences

MARKER_PREFIX = "genims-insights synthetic data:"
_MARKER = re.compile(r"scale=(?P<scale>[\d.]+) seed=(?P<seed>-?\d+) days=(?P<days>\d+) end=(?P<end>\S+)")


class Progress(Protocol):
    """Where long steps report how far they are (a progress bar in the CLI)."""

    def start(self, label: str, total: int) -> None: ...
    def advance(self, item: str) -> None: ...
    def finish(self) -> None: ...


class NoProgress:
    def start(self, label: str, total: int) -> None:
        pass

    def advance(self, item: str) -> None:
        pass

    def finish(self) -> None:
        pass


class StructureMismatch(RuntimeError):
    """A source database exists with a structure other than the catalog's."""


@dataclass
class DatabaseResult:
    short: str
    name: str
    action: str  # "created", "loaded", "kept", "indexed" (kept, our new indexes added), "reset"
    tables: int
    rows: int
    seconds: float
    detail: str = ""


@dataclass
class SourceBuild:
    results: list[DatabaseResult] = field(default_factory=list)
    generate_seconds: float = 0.0

    @property
    def rows_loaded(self) -> int:
        return sum(r.rows for r in self.results if r.action in ("loaded", "created", "reset"))

    @property
    def changed(self) -> bool:
        return any(r.action != "kept" for r in self.results)


def marker_text(ctx: GenContext) -> str:
    end = ctx.end.isoformat(timespec="minutes")
    return f"{MARKER_PREFIX} scale={ctx.scale:g} seed={ctx.seed} days={ctx.days} end={end}"


def read_marker(comment: str | None) -> dict | None:
    if not comment or not comment.startswith(MARKER_PREFIX):
        return None
    match = _MARKER.search(comment)
    return match.groupdict() if match else None


def _existing_databases(settings: Settings) -> dict[str, str | None]:
    """Existing database name -> its comment, for all databases on the server."""
    with postgres_connect(settings.postgres, "postgres") as conn, conn.cursor() as cur:
        cur.execute("SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database")
        rows = dict(cur.fetchall())
    conn.close()
    return rows


def structure_problems(conn, catalog_name: str, database: str) -> list[str]:
    """What differs between a source database (configured name) and the catalog (missing tables or columns)."""
    expected = source_tables(catalog_name)
    with conn.cursor() as cur:
        cur.execute("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'")
        actual: dict[str, set[str]] = {}
        for table, column in cur.fetchall():
            actual.setdefault(table, set()).add(column)
    problems = []
    for name, table in expected.items():
        if name not in actual:
            problems.append(f"{database}: table {name} is missing")
            continue
        missing = [c for c in table.column_names if c not in actual[name]]
        if missing:
            problems.append(f"{database}.{name}: columns missing: {', '.join(missing)}")
    return problems


def _table_rows(conn, tables: dict[str, TableDef]) -> int:
    """Exact rows over the catalog's tables (the summary reports them; statistics can be stale)."""
    query = sql.SQL(" UNION ALL ").join(
        sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name)) for name in tables
    )
    with conn.cursor() as cur:
        cur.execute(sql.SQL("SELECT COALESCE(sum(count), 0) FROM ({}) AS counts").format(query))
        return int(cur.fetchone()[0])


def build_sources(
    settings: Settings,
    *,
    scale: float,
    seed: int,
    days: int,
    end: datetime | None = None,
    reset: bool = False,
    say: Callable[[str], None] = print,
    progress: Progress | None = None,
) -> SourceBuild:
    """Create and fill the 13 source databases; see the module docstring for re-runs."""
    ctx = GenContext(seed=seed, scale=scale, days=days, **({"end": end} if end else {}))
    server = settings.postgres
    existing = _existing_databases(settings)
    build = SourceBuild()
    to_load: list[tuple[str, str, str]] = []  # (short, database, action)

    for short, database in server.databases.items():
        catalog_name = SOURCE_DATABASES[short]
        if reset and database in existing:
            _drop_database(settings, database)
            existing.pop(database)
            action = "reset"
        else:
            action = "created"
        if database not in existing:
            _create_database(settings, database)
            _apply_ddl(settings, database, catalog_name)
            to_load.append((short, database, action))
            continue
        conn = postgres_connect(server, database)
        try:
            problems = structure_problems(conn, catalog_name, database)
            if problems:
                raise StructureMismatch(
                    f"{database} exists but its structure differs from the GenIMS catalog "
                    f"({len(problems)} differences, first: {problems[0]}). Nothing was changed. "
                    "Run `genims verify` for the full list, or `genims setup --reset` to rebuild it."
                )
            marker = read_marker(existing[database])
            rows = _table_rows(conn, source_tables(catalog_name))
        finally:
            conn.close()
        if rows and marker is None:
            build.results.append(
                DatabaseResult(
                    short,
                    database,
                    "kept",
                    len(source_tables(catalog_name)),
                    rows,
                    0.0,
                    "holds data not generated by genims setup; left untouched",
                )
            )
        elif rows:
            added = _apply_indexes(settings, database, catalog_name)
            build.results.append(
                DatabaseResult(
                    short,
                    database,
                    "indexed" if added else "kept",
                    len(source_tables(catalog_name)),
                    rows,
                    0.0,
                    f"already built (scale {marker['scale']}, seed {marker['seed']}, "
                    f"{marker['days']} days to {marker['end']})" + (f"; added {added} indexes" if added else ""),
                )
            )
        else:
            _apply_ddl(settings, database, catalog_name)  # adds our indexes if they were missing
            to_load.append((short, database, "loaded"))

    if not to_load:
        return build

    # Databases kept from an earlier build were generated with their marker's
    # parameters; regenerate the missing ones with the same, so that ids and
    # timestamps agree across databases (generation is deterministic).
    markers = {
        (m["scale"], m["seed"], m["days"], m["end"]) for r in build.results if (m := read_marker(existing.get(r.name)))
    }
    if len(markers) == 1:
        kept_scale, kept_seed, kept_days, kept_end = markers.pop()
        ctx = GenContext(
            seed=int(kept_seed), scale=float(kept_scale), days=int(kept_days), end=datetime.fromisoformat(kept_end)
        )
        say(
            f"Completing an earlier build: generating with its parameters (scale {kept_scale}, seed {kept_seed}, "
            f"{kept_days} days to {kept_end}) so that all databases agree"
        )

    progress = progress or NoProgress()
    say(
        f"Generating synthetic data: scale {ctx.scale:g}, seed {ctx.seed}, {ctx.days} days ending "
        f"{ctx.end:%Y-%m-%d %H:%M} UTC"
    )
    started = time.perf_counter()
    progress.start("generate", len(GENERATORS))
    generate_all(ctx, progress=progress.advance)
    progress.finish()
    build.generate_seconds = time.perf_counter() - started
    progress.start("load (COPY)", sum(len(ctx.tables_of(short)) for short, _, _ in to_load))

    for short, database, action in to_load:
        started = time.perf_counter()
        catalog_name = SOURCE_DATABASES[short]
        tables = source_tables(catalog_name)
        conn = postgres_connect(server, database)
        loaded = 0
        try:
            with conn.cursor() as cur:
                for table_name, _ in list(ctx.tables_of(short)):
                    count = copy_rows(cur, tables[table_name], ctx.take(short, table_name))
                    loaded += count
                    progress.advance(f"{short}.{table_name}")
                for table in tables.values():
                    reset_serial_sequences(cur, table)
                cur.execute(
                    sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                        sql.Identifier(database), sql.Literal(marker_text(ctx))
                    )
                )
            conn.commit()
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("ANALYZE")
        finally:
            conn.close()
        build.results.append(
            DatabaseResult(short, database, action, len(tables), loaded, time.perf_counter() - started)
        )
    progress.finish()
    return build


def _admin(settings: Settings):
    conn = postgres_connect(settings.postgres, "postgres")
    conn.autocommit = True
    return conn


def _create_database(settings: Settings, database: str) -> None:
    conn = _admin(settings)
    try:
        with conn.cursor() as cur:
            cur.execute(
                sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(database))
            )
    finally:
        conn.close()


def _drop_database(settings: Settings, database: str) -> None:
    conn = _admin(settings)
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
    finally:
        conn.close()


def _apply_indexes(settings: Settings, database: str, catalog_name: str) -> int:
    """Create our indexes that a built database lacks (sql/postgres/<db>_indexes.sql); returns how many."""
    conn = postgres_connect(settings.postgres, database)
    try:
        with conn.cursor() as cur:
            count = "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'"
            cur.execute(count)
            before = cur.fetchone()[0]
            cur.execute("SET client_min_messages = warning")
            run_script(cur, read_sql("postgres", f"{catalog_name}_indexes.sql"))
            cur.execute(count)
            added = cur.fetchone()[0] - before
        conn.commit()
        return added
    finally:
        conn.close()


def _apply_ddl(settings: Settings, database: str, catalog_name: str) -> None:
    """The catalog DDL and our indexes (both idempotent: IF NOT EXISTS)."""
    conn = postgres_connect(settings.postgres, database)
    try:
        with conn.cursor() as cur:
            cur.execute("SET client_min_messages = warning")
            run_script(cur, read_sql("postgres", f"{catalog_name}.sql"))
            run_script(cur, read_sql("postgres", f"{catalog_name}_indexes.sql"))
        conn.commit()
    finally:
        conn.close()
