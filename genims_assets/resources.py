"""Dagster resources: the 13 source databases (pooled) and the two MySQL databases.

Built once from the validated `Settings`; passwords are passed as `EnvVar`s
so that the UI and the run config show the variable's name, never its value.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import sqlalchemy as sa
from pydantic import PrivateAttr

from genims_assets.connections import mysql_connect, postgres_engine
from genims_assets.settings import MySQLTarget, PostgresServer, Secret, Settings


def _password(variable: str, secret: Secret) -> str | dg.EnvVar:
    # An unset EnvVar fails resource initialisation; an empty password is not a secret.
    return dg.EnvVar(variable) if secret else ""


class PostgresSourceResource(dg.ConfigurableResource):
    """Pooled connections to one GenIMS source database (PostgreSQL)."""

    host: str
    port: int
    user: str
    password: str = ""
    database: str
    ssl_mode: str = "prefer"
    ssl_root_cert: str | None = None

    def server(self) -> PostgresServer:
        return PostgresServer(
            host=self.host,
            port=self.port,
            user=self.user,
            password=Secret(self.password),
            ssl_mode=self.ssl_mode,
            ssl_root_cert=Path(self.ssl_root_cert) if self.ssl_root_cert else None,
            databases={},
        )

    def engine(self) -> sa.Engine:
        """The process-wide pooled engine for this database."""
        return postgres_engine(self.server(), self.database)


class MySQLResource(dg.ConfigurableResource):
    """One MySQL database of the platform: genims_reporting_db or genims_audit_db."""

    env_prefix: str
    host: str
    port: int
    database: str
    user: str
    password: str = ""
    timeout_seconds: int = 30
    ssl_ca: str | None = None
    ssl_required: bool = False
    _target: MySQLTarget | None = PrivateAttr(default=None)

    def target(self) -> MySQLTarget:
        if self._target is None:
            self._target = MySQLTarget(
                env_prefix=self.env_prefix,
                host=self.host,
                port=self.port,
                database=self.database,
                user=self.user,
                password=Secret(self.password),
                charset="utf8mb4",
                timeout_seconds=self.timeout_seconds,
                ssl_ca=Path(self.ssl_ca) if self.ssl_ca else None,
                ssl_required=self.ssl_required,
            )
        return self._target

    def connect(self, *, local_infile: bool = False, autocommit: bool = False):
        return mysql_connect(self.target(), local_infile=local_infile, autocommit=autocommit)


def source_resource_key(short: str) -> str:
    return f"source_{short}"


def build_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    pg = settings.postgres
    resources: dict[str, dg.ConfigurableResource] = {
        source_resource_key(short): PostgresSourceResource(
            host=pg.host,
            port=pg.port,
            user=pg.user,
            password=_password("POSTGRES_PASSWORD", pg.password),
            database=database,
            ssl_mode=pg.ssl_mode,
            ssl_root_cert=str(pg.ssl_root_cert) if pg.ssl_root_cert else None,
        )
        for short, database in pg.databases.items()
    }
    for key, target in (("mysql_reporting", settings.reporting), ("mysql_audit", settings.audit)):
        resources[key] = MySQLResource(
            env_prefix=target.env_prefix,
            host=target.host,
            port=target.port,
            database=target.database,
            user=target.user,
            password=_password(f"{target.env_prefix}_PASSWORD", target.password),
            timeout_seconds=target.timeout_seconds,
            ssl_ca=str(target.ssl_ca) if target.ssl_ca else None,
            ssl_required=target.ssl_required,
        )
    return resources
