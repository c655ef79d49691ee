"""The GenIMS source tables as external assets: 13 groups, one per PostgreSQL database.

Each database has one observation (`observe_<db>_sources`) that records, per
table, the exact row count and the last update (the newest value of the
table's change timestamp: updated_at, else created_at, else its first
timestamp column), in one query per database. The data version changes when
either changes, or when PostgreSQL's insert/update/delete counters move.
"""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg
from psycopg2 import sql

from genims_assets.resources import PostgresSourceResource, source_resource_key
from genims_assets.settings import SOURCE_DATABASES
from genims_assets.sqlfiles import TableDef, source_tables

CHANGE_COLUMNS = ("updated_at", "last_updated", "modified_at", "created_at")


def source_asset_key(short: str, table: str) -> dg.AssetKey:
    return dg.AssetKey(["source", short, table])


def source_group(short: str) -> str:
    return f"{short}_db"


def change_column(table: TableDef) -> str | None:
    """The column whose newest value says when the table last changed."""
    names = table.column_names
    for candidate in CHANGE_COLUMNS:
        if candidate in names:
            return candidate
    return next((c.name for c in table.columns if c.type.startswith("timestamp")), None)


def _spec(short: str, database: str, table: TableDef) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=source_asset_key(short, table.name),
        group_name=source_group(short),
        description=f"GenIMS source table {database}.public.{table.name} (external; observed, never written).",
        kinds={"postgres"},
        owners=["team:data-engineering"],
        metadata={
            "dagster/column_schema": dg.TableSchema(columns=[dg.TableColumn(c.name, c.type) for c in table.columns]),
            "dagster/table_name": f"{database}.public.{table.name}",
            "change_column": change_column(table) or "(none)",
        },
    )


def observation_query(tables: list[TableDef]) -> sql.Composed:
    """One statement: (table, row count, newest change timestamp) per table."""
    parts = []
    for table in tables:
        column = change_column(table)
        newest = sql.SQL("max({})").format(sql.Identifier(column)) if column else sql.SQL("NULL::timestamp")
        parts.append(
            sql.SQL("SELECT {name} AS table_name, count(*) AS row_count, {newest} AS last_change FROM {table}").format(
                name=sql.Literal(table.name), newest=newest, table=sql.Identifier(table.name)
            )
        )
    return sql.SQL(" UNION ALL ").join(parts)


def observe_tables(
    resource: PostgresSourceResource, tables: list[TableDef]
) -> dict[str, tuple[int, datetime | None, int]]:
    """table -> (row count, last change as aware UTC, cumulative write counter)."""
    raw = resource.engine().raw_connection()
    try:
        with raw.cursor() as cur:
            cur.execute(observation_query(tables))
            counts = {name: (int(n), last) for name, n, last in cur.fetchall()}
            cur.execute(
                "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables WHERE schemaname = 'public'"
            )
            writes = dict(cur.fetchall())
        raw.rollback()
    finally:
        raw.close()
    return {
        name: (n, last.replace(tzinfo=UTC) if last else None, int(writes.get(name, 0)))
        for name, (n, last) in counts.items()
    }


def build_source_observation(short: str, database: str) -> dg.AssetsDefinition:
    """The observation of one source database; `database` is its configured name."""
    tables = source_tables(SOURCE_DATABASES[short])
    specs = [_spec(short, database, t) for t in tables.values()]
    resource_key = source_resource_key(short)

    @dg.multi_observable_source_asset(
        name=f"observe_{short}_sources",
        specs=specs,
        can_subset=True,
        required_resource_keys={resource_key},
        description=f"Row counts and last updates of the {len(specs)} tables of {database}.",
    )
    def _observe(context):
        selected = [tables[key.path[-1]] for key in sorted(context.selected_asset_keys, key=str)]
        resource: PostgresSourceResource = getattr(context.resources, resource_key)
        for name, (rows, last, writes) in observe_tables(resource, selected).items():
            metadata: dict = {"dagster/row_count": dg.MetadataValue.int(rows)}
            if last is not None:
                metadata["dagster/last_updated_timestamp"] = dg.MetadataValue.timestamp(last)
            yield dg.ObserveResult(
                asset_key=source_asset_key(short, name),
                data_version=dg.DataVersion(f"{rows}:{last.isoformat() if last else '-'}:{writes}"),
                metadata=metadata,
            )

    return _observe


def source_observations(databases: dict[str, str]) -> list[dg.AssetsDefinition]:
    """One observable multi-asset per source database (short name -> configured database name)."""
    return [build_source_observation(short, database) for short, database in databases.items()]
