"""Connections to the PostgreSQL sources and the two MySQL databases.

One place builds every connection, so TLS, time-outs and the error a user sees
when a server is down are the same everywhere. Errors name the server
(host:port) and the likely fix, never the password.
"""

from __future__ import annotations

import re
import ssl
from functools import lru_cache

import psycopg2
import psycopg2.extensions
import pymysql
import sqlalchemy as sa

from genims_assets.settings import MySQLTarget, PostgresServer

APPLICATION_NAME = "genims-insights"

POSTGRES_START_HINT = (
    "start PostgreSQL (on Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) "
    "or point POSTGRES_HOST/POSTGRES_PORT at a running server"
)
MYSQL_START_HINT = (
    "start MariaDB/MySQL (on Debian: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd) "
    "or point {prefix}_HOST/{prefix}_PORT at a running server"
)


class ConnectionFailed(RuntimeError):
    """A server could not be reached or refused us; the message says which and what to do."""


def _postgres_hint(error: Exception, server: PostgresServer, database: str) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    # libpq repeats the address we already name; keep only its reason.
    text = re.sub(r'^connection to server at "[^"]*"(?: \([^)]*\))?, port \d+ failed: ', "", text)
    text = re.sub(r"^FATAL:\s+", "", text)
    if "does not exist" in text and "database" in text:
        fix = f"run `genims setup` to create {database}, or set POSTGRES_DB_* to the right name"
    elif "password authentication failed" in text or "no password supplied" in text:
        fix = "check POSTGRES_USER and POSTGRES_PASSWORD in .env"
    elif "SSL" in text or "certificate" in text:
        fix = "check POSTGRES_SSL_MODE and POSTGRES_SSL_ROOT_CERT"
    else:
        fix = POSTGRES_START_HINT
    return f"PostgreSQL at {server.address} (database {database}): {text}. Fix: {fix}"


def postgres_connect_args(server: PostgresServer, timeout_seconds: int = 10) -> dict:
    args: dict = {
        "host": server.host,
        "port": server.port,
        "user": server.user,
        "sslmode": server.ssl_mode,
        "connect_timeout": timeout_seconds,
        "application_name": APPLICATION_NAME,
    }
    if server.password:
        args["password"] = server.password.reveal()
    if server.ssl_root_cert:
        args["sslrootcert"] = str(server.ssl_root_cert)
    return args


def postgres_connect(server: PostgresServer, database: str, timeout_seconds: int = 10):
    """A psycopg2 connection to one database, or ConnectionFailed."""
    try:
        return psycopg2.connect(dbname=database, **postgres_connect_args(server, timeout_seconds))
    except psycopg2.Error as error:
        raise ConnectionFailed(_postgres_hint(error, server, database)) from None


@lru_cache(maxsize=64)
def postgres_engine(server: PostgresServer, database: str, pool_size: int = 4) -> sa.Engine:
    """A pooled SQLAlchemy engine (psycopg2 driver) for one source database.

    Cached per (server, database), so every asset in a process shares one pool.
    """
    args = postgres_connect_args(server)
    url = sa.URL.create(
        "postgresql+psycopg2",
        username=server.user,
        password=server.password.reveal() or None,
        host=server.host,
        port=server.port,
        database=database,
    )
    connect_args = {k: v for k, v in args.items() if k not in ("host", "port", "user", "password")}
    return sa.create_engine(
        url,
        connect_args=connect_args,
        pool_size=pool_size,
        max_overflow=2,
        pool_pre_ping=True,
        hide_parameters=True,
    )


@lru_cache(maxsize=8)
def _verifying_context(ca_file: str | None) -> ssl.SSLContext:
    """A context that verifies the server against `ca_file` (or the system CAs); built once per process."""
    context = ssl.create_default_context(cafile=ca_file)
    context.verify_flags &= ~ssl.VERIFY_X509_STRICT  # as PyMySQL does: MySQL's self-signed certificates fail it
    return context


@lru_cache(maxsize=1)
def _preferred_context() -> ssl.SSLContext:
    """PyMySQL's "preferred" TLS (encrypt when the server offers it, no verification), built once per process."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class _MySQLConnection(pymysql.connections.Connection):
    """PyMySQL builds a TLS context (loading the system CA store, ~25 ms) for every connection in its default
    "preferred" mode; the reporting assets open a few connections each, so this reuses one per process."""

    def _create_ssl_ctx(self, sslp):
        if isinstance(sslp, dict) and not sslp:
            return _preferred_context()
        return super()._create_ssl_ctx(sslp)


def _mysql_ssl(target: MySQLTarget) -> ssl.SSLContext | None:
    """TLS for PyMySQL: verify against the CA file when one is set, else the system CAs when required."""
    if target.ssl_ca or target.ssl_required:
        return _verifying_context(str(target.ssl_ca) if target.ssl_ca else None)
    return None


def mysql_connect(
    target: MySQLTarget,
    *,
    database: str | None = "",
    local_infile: bool = False,
    autocommit: bool = False,
):
    """A PyMySQL connection to `target` (its own database unless `database` says otherwise).

    database=None connects to the server without selecting a database (used to create it).
    """
    db = target.database if database == "" else database
    kwargs: dict = {
        "host": target.host,
        "port": target.port,
        "user": target.user,
        "password": target.password.reveal(),
        "charset": target.charset,
        "connect_timeout": target.timeout_seconds,
        "autocommit": autocommit,
        "local_infile": local_infile,
        "program_name": APPLICATION_NAME,
    }
    if db:
        kwargs["database"] = db
    ssl_args = _mysql_ssl(target)
    if ssl_args:
        kwargs["ssl"] = ssl_args
    try:
        return _MySQLConnection(**kwargs)
    except pymysql.err.MySQLError as error:
        code = error.args[0] if error.args else None
        message = error.args[1] if len(error.args) > 1 else str(error)
        where = f"MySQL at {target.address}" + (f" (database {db})" if db else "")
        if code == 1049:
            fix = f"run `genims setup` to create {db}, or set {target.env_prefix}_DB to the right name"
        elif code in (1045, 1044):
            login = target.credentials_prefix or target.env_prefix
            fix = f"check {login}_USER and {login}_PASSWORD in .env"
        elif code == 2003 or code is None:
            fix = MYSQL_START_HINT.format(prefix=target.env_prefix)
        else:
            fix = f"check the {target.env_prefix}_* settings in .env"
        raise ConnectionFailed(f"{where}: {message}. Fix: {fix}") from None
