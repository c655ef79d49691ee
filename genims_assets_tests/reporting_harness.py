"""Known-answer harness: hand-built source rows in fresh databases, one reporting asset materialised.

    harness = ReportingHarness("ops")               # gtest_ka_ops_* databases, created empty
    harness.insert("mes", "work_orders", [{...}, ...])
    result = harness.materialize("production_summary_daily", "2026-03-10")
    rows = harness.rows("production_summary_daily")  # list of dicts from MySQL

Every source database gets the full catalog DDL (empty tables), the MySQL
reporting database gets the real schema; the asset runs exactly as in
production (same SQL files, transform, loader and checks) on a real
Dagster instance (ephemeral storage). Close with harness.drop().
"""

from __future__ import annotations

import os
from datetime import date

import dagster as dg
from psycopg2 import sql

from genims_assets.connections import mysql_connect, postgres_connect
from genims_assets.defs.reporting.assets import build_reporting_asset
from genims_assets.defs.reporting.tables import REPORTING_TABLES
from genims_assets.mysql_partitions import ident
from genims_assets.platform_setup.mysql_schema import REPORTING, apply_layer
from genims_assets.resources import build_resources
from genims_assets.settings import SOURCE_DATABASES, Settings
from genims_assets.sqlfiles import read_sql, run_script, source_tables
from genims_assets.synthetic.copy_load import copy_rows

START = date(2025, 1, 1)


class ReportingHarness:
    def __init__(self, name: str, today: date | None = None) -> None:
        prefix = f"gtest_ka_{name}_"
        env = {**os.environ}
        env |= {f"POSTGRES_DB_{s.upper()}": prefix + d for s, d in SOURCE_DATABASES.items()}
        env["MYSQL_REPORTING_DB"] = prefix + "reporting_db"
        self.settings = Settings.from_env(env)
        self.instance = dg.DagsterInstance.ephemeral()
        self.specs = {spec.name: spec for spec in REPORTING_TABLES}
        admin = postgres_connect(self.settings.postgres, "postgres")
        admin.autocommit = True
        with admin.cursor() as cur:
            for short, database in self.settings.postgres.databases.items():
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
                conn = postgres_connect(self.settings.postgres, database)
                with conn.cursor() as c:
                    c.execute("SET client_min_messages = warning")
                    run_script(c, read_sql("postgres", f"{SOURCE_DATABASES[short]}.sql"))
                conn.commit()
                conn.close()
            # The Dagster instance's database, as on every deployment: the GDPR erasure register lives there.
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.settings.dagster_database,))
            if cur.fetchone() is None:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.settings.dagster_database)))
        admin.close()
        self._drop_mysql()
        apply_layer(REPORTING, self.settings.reporting, today or date.today(), lambda _: None)

    def insert(self, short: str, table: str, rows: list[dict]) -> None:
        conn = postgres_connect(self.settings.postgres, self.settings.postgres.databases[short])
        try:
            with conn.cursor() as cur:
                copy_rows(cur, source_tables(SOURCE_DATABASES[short])[table], rows)
            conn.commit()
        finally:
            conn.close()

    def execute_source(self, short: str, statement: str, params=None) -> None:
        conn = postgres_connect(self.settings.postgres, self.settings.postgres.databases[short])
        try:
            with conn.cursor() as cur:
                cur.execute(statement, params)
            conn.commit()
        finally:
            conn.close()

    def materialize(self, table: str, partition_key: str | None = None, raise_on_error: bool = True):
        asset = build_reporting_asset(self.specs[table], self.settings, START)
        return dg.materialize(
            [asset],
            resources=build_resources(self.settings),
            partition_key=partition_key,
            instance=self.instance,
            raise_on_error=raise_on_error,
        )

    def rows(self, table: str, order_by: str | None = None) -> list[dict]:
        conn = mysql_connect(self.settings.reporting)
        try:
            with conn.cursor() as cur:
                order = f" ORDER BY {', '.join(ident(c.strip()) for c in order_by.split(','))}" if order_by else ""
                cur.execute(f"SELECT * FROM {ident(table)}{order}")
                names = [d[0] for d in cur.description]
                return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        finally:
            conn.close()

    @staticmethod
    def check_results(result) -> dict[str, object]:
        """check name -> AssetCheckEvaluation of a materialize() result."""
        return {e.check_name: e for e in result.get_asset_check_evaluations()}

    def _drop_mysql(self) -> None:
        conn = mysql_connect(self.settings.reporting, database=None, autocommit=True)
        try:
            with conn.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS {ident(self.settings.reporting.database)}")
        finally:
            conn.close()

    def drop(self) -> None:
        admin = postgres_connect(self.settings.postgres, "postgres")
        admin.autocommit = True
        with admin.cursor() as cur:
            for database in self.settings.postgres.databases.values():
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
        admin.close()
        self._drop_mysql()
