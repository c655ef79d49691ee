"""The platform's one settings object, read from the environment (and `.env`).

Every variable is validated when read: a missing value takes its documented
default (the local servers), a malformed one raises `SettingsError` naming the
variable and the form it expects. Passwords are wrapped in `Secret`, whose
text form is masked, so they cannot leak into logs, errors or metadata by
accident; only `Secret.reveal()` hands the value to a driver.

MySQL accounts: the audit database is written by a shipper account that can
only INSERT and SELECT (plus UPDATE on its sequence counters), read by a reader
and pruned by a retention account; only `genims setup` uses the admin account
(MYSQL_ADMIN_USER) to create databases, tables, triggers and those accounts.
Account names are validated here so that no statement ever receives an
unexpected one; empty audit passwords are refused by setup, not here, so that
commands that never touch MySQL still run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

SOURCE_DATABASES: dict[str, str] = {
    "master": "genims_master_db",
    "operational": "genims_operational_db",
    "mes": "genims_mes_db",
    "erp": "genims_erp_db",
    "wms": "genims_wms_db",
    "tms": "genims_tms_db",
    "cmms": "genims_cmms_db",
    "crm": "genims_crm_db",
    "service": "genims_service_db",
    "hcm": "genims_hcm_db",
    "supplier": "genims_supplier_db",
    "qms": "genims_qms_db",
    "planning": "genims_planning_db",
}
"""Short name -> default database name of the 13 GenIMS source databases."""

POSTGRES_SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")

# MySQL 8 limits account names to 32 characters; the set is the portable, quote-free one.
# Azure Single Server admins are named user@server, hence '@' for the admin only.
_ACCOUNT_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}")
_ADMIN_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@-]{0,79}")
_DEFAULT_USERS = {
    "MYSQL_ADMIN_USER": "root",
    "MYSQL_AUDIT_USER": "genims_audit_shipper",
    "MYSQL_AUDIT_READER_USER": "genims_audit_reader",
    "MYSQL_AUDIT_RETENTION_USER": "genims_audit_retention",
}


class SettingsError(ValueError):
    """A configuration variable is malformed; the message names it and the fix."""


class Secret:
    """A password or key: masked wherever it is turned into text."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')" if self._value else "Secret('')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class _Reader:
    """Reads and validates variables from one environment mapping."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env

    def _raw(self, name: str) -> str | None:
        value = self.env.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def text(self, name: str, default: str) -> str:
        return self._raw(name) or default

    def identifier(self, name: str, default: str) -> str:
        value = self.text(name, default)
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", value):
            raise SettingsError(
                f"{name}={value!r} is not a valid database name: use letters, digits and "
                "underscores, starting with a letter or underscore (at most 63 characters)"
            )
        return value

    def secret(self, name: str) -> Secret:
        # Passwords may legitimately contain spaces at the ends: no stripping.
        return Secret(self.env.get(name, ""))

    def integer(self, name: str, default: int, minimum: int, maximum: int | None = None) -> int:
        raw = self._raw(name)
        if raw is None:
            return default
        upper = f" and {maximum}" if maximum is not None else ""
        expected = f"a whole number between {minimum}{upper}" if upper else f"a whole number >= {minimum}"
        try:
            value = int(raw)
        except ValueError:
            raise SettingsError(f"{name}={raw!r} is not {expected} (see .env.example)") from None
        if value < minimum or (maximum is not None and value > maximum):
            raise SettingsError(f"{name}={raw!r} is out of range: expected {expected} (see .env.example)")
        return value

    def number(self, name: str, default: float, minimum: float, maximum: float | None = None) -> float:
        raw = self._raw(name)
        if raw is None:
            return default
        upper = f" and <= {maximum}" if maximum is not None else ""
        expected = f"a number >= {minimum}{upper}"
        try:
            value = float(raw)
        except ValueError:
            raise SettingsError(f"{name}={raw!r} is not {expected} (see .env.example)") from None
        if value != value or value < minimum or (maximum is not None and value > maximum):
            raise SettingsError(f"{name}={raw!r} is out of range: expected {expected} (see .env.example)")
        return value

    def boolean(self, name: str, default: bool) -> bool:
        raw = self._raw(name)
        if raw is None:
            return default
        lowered = raw.lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"{name}={raw!r} is not a boolean: use true or false (see .env.example)")

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.text(name, default)
        if value not in choices:
            raise SettingsError(f"{name}={value!r} is not one of: {', '.join(choices)} (see .env.example)")
        return value

    def account(self, name: str, default: str, admin: bool = False) -> str:
        value = self.text(name, default)
        pattern = _ADMIN_NAME if admin else _ACCOUNT_NAME
        if not pattern.fullmatch(value):
            limit = 80 if admin else 32
            raise SettingsError(
                f"{name}={value!r} is not a valid MySQL account name: use letters, digits, '_', '.' and '-' "
                f"(at most {limit} characters, no quotes or spaces)"
            )
        return value

    def optional_file(self, name: str) -> Path | None:
        raw = self._raw(name)
        if raw is None:
            return None
        path = Path(raw).expanduser()
        if not path.is_file():
            raise SettingsError(
                f"{name}={raw!r}: no such file; point it at a readable CA certificate (PEM) or unset it"
            )
        return path

    def day(self, name: str, default: date) -> date:
        raw = self._raw(name)
        if raw is None:
            return default
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise SettingsError(f"{name}={raw!r} is not a date: use YYYY-MM-DD, for example 2025-12-01") from None

    def clock_time(self, name: str, default: str) -> tuple[int, int]:
        raw = self.text(name, default)
        match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", raw)
        if not match:
            raise SettingsError(f"{name}={raw!r} is not a time of day: use HH:MM in UTC, for example 02:00")
        return int(match.group(1)), int(match.group(2))

    def interval_cron(self, name: str, default: int) -> tuple[int, str]:
        """Seconds between runs, turned into a cron schedule aligned to the clock."""
        seconds = self.integer(name, default, minimum=60, maximum=86400)
        if seconds % 60 == 0 and 3600 % seconds == 0:
            minutes = seconds // 60
            return seconds, "* * * * *" if minutes == 1 else f"*/{minutes} * * * *" if minutes < 60 else "0 * * * *"
        if seconds % 3600 == 0 and 86400 % seconds == 0:
            hours = seconds // 3600
            return seconds, "0 * * * *" if hours == 1 else f"0 */{hours} * * *" if hours < 24 else "0 0 * * *"
        raise SettingsError(
            f"{name}={seconds} cannot be aligned to the clock: use a number of seconds that divides an hour "
            "(60, 300, 900, 1800, 3600) or a day in whole hours (7200, 10800, 21600, 43200, 86400)"
        )


@dataclass(frozen=True)
class MySQLTarget:
    """One MySQL database of the platform (reporting or audit)."""

    env_prefix: str
    host: str
    port: int
    database: str
    user: str
    password: Secret = field(repr=False)
    charset: str
    timeout_seconds: int
    ssl_ca: Path | None
    ssl_required: bool
    # Variables the login comes from when it is not {env_prefix}_USER/_PASSWORD (an account of MySQLAccount).
    credentials_prefix: str | None = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def describe(self) -> str:
        return f"MySQL {self.database} at {self.address} as {self.user}"

    def as_account(self, account: MySQLAccount) -> MySQLTarget:
        """The same server and database, logged in as `account` (admin, reader, retention)."""
        return replace(self, user=account.user, password=account.password, credentials_prefix=account.env_prefix)


@dataclass(frozen=True)
class MySQLAccount:
    """A MySQL login of the platform other than the targets' own: the admin and the audit accounts."""

    role: str  # admin, shipper, reader or retention
    env_prefix: str  # MYSQL_ADMIN, MYSQL_AUDIT, MYSQL_AUDIT_READER, MYSQL_AUDIT_RETENTION
    user: str
    password: Secret = field(repr=False)

    @property
    def user_variable(self) -> str:
        return f"{self.env_prefix}_USER"

    @property
    def password_variable(self) -> str:
        return f"{self.env_prefix}_PASSWORD"


@dataclass(frozen=True)
class PostgresServer:
    """The PostgreSQL server that holds the 13 GenIMS source databases."""

    host: str
    port: int
    user: str
    password: Secret = field(repr=False)
    ssl_mode: str
    ssl_root_cert: Path | None
    # Left out of equality and hashing, so a server can key the connection-pool cache.
    databases: dict[str, str] = field(compare=False)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Settings:
    postgres: PostgresServer
    reporting: MySQLTarget
    audit: MySQLTarget
    dagster_database: str
    reporting_start_date: date
    energy_tariff_per_kwh: float
    reporting_interval_seconds: int
    reporting_cron: str
    audit_interval_seconds: int
    audit_cron: str
    log_dir: Path
    error_threshold_pct: float
    batch_size: int
    sync_timeout_seconds: int
    retry_count: int
    retry_delay_seconds: float
    backup_enabled: bool
    backup_daily_time: tuple[int, int]
    backup_retention_days: int
    backup_audit_retention_days: int
    backup_azure_container: str
    azure_storage_connection_string: Secret = field(repr=False)
    # MySQL accounts beside the targets' own users (see the module docstring).
    mysql_admin: MySQLAccount = field(default_factory=lambda: MySQLAccount("admin", "MYSQL_ADMIN", "root", Secret("")))
    audit_reader: MySQLAccount = field(
        default_factory=lambda: MySQLAccount("reader", "MYSQL_AUDIT_READER", "genims_audit_reader", Secret(""))
    )
    audit_retention: MySQLAccount = field(
        default_factory=lambda: MySQLAccount("retention", "MYSQL_AUDIT_RETENTION", "genims_audit_retention", Secret(""))
    )

    @property
    def audit_shipper(self) -> MySQLAccount:
        """The account the audit database is written with: MYSQL_AUDIT_USER / MYSQL_AUDIT_PASSWORD."""
        return MySQLAccount("shipper", "MYSQL_AUDIT", self.audit.user, self.audit.password)

    def audit_accounts(self) -> tuple[MySQLAccount, MySQLAccount, MySQLAccount]:
        """The three audit accounts setup creates: shipper, reader, retention."""
        return (self.audit_shipper, self.audit_reader, self.audit_retention)

    def admin_target(self, target: MySQLTarget) -> MySQLTarget:
        """`target` logged in as MYSQL_ADMIN_USER: for setup's DDL, triggers and accounts only."""
        return target.as_account(self.mysql_admin)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read every variable; raise SettingsError on the first malformed one."""
        read = _Reader(os.environ if env is None else env)
        reporting_seconds, reporting_cron = read.interval_cron("ETL_REPORTING_INTERVAL", 3600)
        audit_seconds, audit_cron = read.interval_cron("ETL_AUDIT_INTERVAL", 60)
        container = read.text("BACKUP_AZURE_CONTAINER", "genims-backups")
        if not re.fullmatch(r"[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}", container):
            raise SettingsError(
                f"BACKUP_AZURE_CONTAINER={container!r} is not a valid Azure container name: "
                "3-63 lowercase letters, digits and single hyphens, starting with a letter or digit"
            )
        settings = cls(
            postgres=PostgresServer(
                host=read.text("POSTGRES_HOST", "127.0.0.1"),
                port=read.integer("POSTGRES_PORT", 5432, 1, 65535),
                user=read.text("POSTGRES_USER", "postgres"),
                password=read.secret("POSTGRES_PASSWORD"),
                ssl_mode=read.choice("POSTGRES_SSL_MODE", "prefer", POSTGRES_SSL_MODES),
                ssl_root_cert=read.optional_file("POSTGRES_SSL_ROOT_CERT"),
                databases={
                    short: read.identifier(f"POSTGRES_DB_{short.upper()}", default)
                    for short, default in SOURCE_DATABASES.items()
                },
            ),
            reporting=_mysql_target(read, "MYSQL_REPORTING", "genims_reporting_db", "root"),
            audit=_mysql_target(read, "MYSQL_AUDIT", "genims_audit_db", "genims_audit_shipper"),
            dagster_database=read.identifier("DAGSTER_PG_DB", "genims_dagster"),
            reporting_start_date=read.day("REPORTING_START_DATE", _twelve_months_back()),
            energy_tariff_per_kwh=read.number("ENERGY_TARIFF_PER_KWH", 8.0, 0.0, 100_000.0),
            reporting_interval_seconds=reporting_seconds,
            reporting_cron=reporting_cron,
            audit_interval_seconds=audit_seconds,
            audit_cron=audit_cron,
            log_dir=Path(read.text("ETL_LOG_DIR", "logs")).expanduser(),
            error_threshold_pct=read.number("ETL_ERROR_THRESHOLD", 1.0, 0.0, 100.0),
            batch_size=read.integer("DATA_SYNC_BATCH_SIZE", 10000, 1, 10_000_000),
            sync_timeout_seconds=read.integer("DATA_SYNC_TIMEOUT", 300, 1, 86400),
            retry_count=read.integer("DATA_SYNC_RETRY_COUNT", 3, 0, 100),
            retry_delay_seconds=read.number("DATA_SYNC_RETRY_DELAY", 5.0, 0.0, 3600.0),
            backup_enabled=read.boolean("BACKUP_ENABLED", False),
            backup_daily_time=read.clock_time("BACKUP_DAILY_TIME", "02:00"),
            backup_retention_days=read.integer("BACKUP_RETENTION_DAYS", 30, 1, 36500),
            backup_audit_retention_days=read.integer("BACKUP_AUDIT_RETENTION_DAYS", 2555, 1, 36500),
            backup_azure_container=container,
            azure_storage_connection_string=read.secret("AZURE_STORAGE_CONNECTION_STRING"),
            mysql_admin=MySQLAccount(
                "admin",
                "MYSQL_ADMIN",
                read.account("MYSQL_ADMIN_USER", _DEFAULT_USERS["MYSQL_ADMIN_USER"], admin=True),
                read.secret("MYSQL_ADMIN_PASSWORD"),
            ),
            audit_reader=_account(read, "reader", "MYSQL_AUDIT_READER", "genims_audit_reader"),
            audit_retention=_account(read, "retention", "MYSQL_AUDIT_RETENTION", "genims_audit_retention"),
        )
        settings._check_accounts()
        return settings

    def _check_accounts(self) -> None:
        """The admin and the three audit accounts are four different logins."""
        seen: dict[str, str] = {}
        for account in (self.mysql_admin, *self.audit_accounts()):
            if account.user in seen:
                raise SettingsError(
                    f"{account.user_variable} and {seen[account.user]} are both {account.user!r}: the admin and the "
                    "audit shipper, reader and retention accounts must be four different MySQL accounts, each with "
                    f"only its own rights. Set {account.user_variable} to its own account (default "
                    f"{_DEFAULT_USERS[account.user_variable]}) in .env; `genims setup` creates it (see .env.example)"
                )
            seen[account.user] = account.user_variable


def _account(read: _Reader, role: str, prefix: str, default_user: str) -> MySQLAccount:
    return MySQLAccount(role, prefix, read.account(f"{prefix}_USER", default_user), read.secret(f"{prefix}_PASSWORD"))


def _twelve_months_back() -> date:
    """First day of the month twelve months before this one: the start of the rolling reporting window."""
    today = datetime.now(UTC).date()
    index = today.year * 12 + today.month - 1 - 12
    return date(index // 12, index % 12 + 1, 1)


def _mysql_target(read: _Reader, prefix: str, default_db: str, default_user: str) -> MySQLTarget:
    charset = read.text(f"{prefix}_CHARSET", "utf8mb4")
    if charset != "utf8mb4":
        raise SettingsError(
            f"{prefix}_CHARSET={charset!r}: the MySQL layer is utf8mb4 throughout; set it to utf8mb4 or unset it"
        )
    return MySQLTarget(
        env_prefix=prefix,
        host=read.text(f"{prefix}_HOST", "127.0.0.1"),
        port=read.integer(f"{prefix}_PORT", 3306, 1, 65535),
        database=read.identifier(f"{prefix}_DB", default_db),
        user=read.account(f"{prefix}_USER", default_user)
        if prefix == "MYSQL_AUDIT"
        else read.text(f"{prefix}_USER", default_user),
        password=read.secret(f"{prefix}_PASSWORD"),
        charset=charset,
        timeout_seconds=read.integer(f"{prefix}_TIMEOUT", 30, 1, 3600),
        ssl_ca=read.optional_file(f"{prefix}_SSL_CA"),
        ssl_required=read.boolean(f"{prefix}_SSL_REQUIRED", False),
    )


def load_settings(env_file: Path | None = None) -> Settings:
    """Settings from the process environment, after loading `.env` if present.

    Variables already set in the environment win over the file.
    """
    from dotenv import load_dotenv

    load_dotenv(env_file or Path.cwd() / ".env", override=False)
    return Settings.from_env()
