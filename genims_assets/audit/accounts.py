"""The audit database's accounts and its append-only guard, applied by `genims setup` as the admin.

Why it is built this way (contract: genims_assets/audit/README.md section 4):
- Append-only needs two layers. Triggers (sql/mysql/audit_guard.sql) refuse
  UPDATE and DELETE on the 29 audit tables whoever runs them; but TRUNCATE,
  DROP and ALTER TABLE ... DROP PARTITION fire no trigger, so only missing
  privileges stop those. Hence three accounts with exactly their rights:
  shipper INSERT + SELECT on the audit database and UPDATE on
  audit_sequence_manager alone; reader SELECT; retention SELECT and LOCK
  TABLES, plus EXECUTE on the two partition procedures of partition_guard.py
  (MySQL's DROP and ALTER would also let it TRUNCATE or DROP a table or cut a
  column: it has neither). Nobody but the admin has UPDATE, DELETE, DROP or
  ALTER.
- "Exactly" is enforced by comparing with information_schema (mysql.procs_priv
  for routines) and revoking
  extras, never by REVOKE ALL then GRANT: a running shipper never sees a
  window without its rights. Database-level grants escape `_`, which MySQL
  otherwise reads as a wildcard matching other databases.
- Accounts are created at host '%'; MariaDB's anonymous ''@'localhost'
  accounts sort first for local connections and shadow them, so they are
  detected and named. Passwords come from .env (empty ones are refused); a
  re-run logs in with each, and changes a password only when the login fails,
  so an unchanged system reports no change.
- Names and privileges reach SQL only after being checked (settings validates
  account names; privileges are matched against a keyword pattern;
  identifiers are quoted); values go through parameters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import pymysql

from genims_assets.audit.partition_guard import PROCEDURES, apply_procedures, procedure_problems
from genims_assets.audit.tables import SEQUENCE_MANAGER, audit_tables
from genims_assets.connections import ConnectionFailed, mysql_connect
from genims_assets.mysql_partitions import ident
from genims_assets.settings import MySQLAccount, MySQLTarget, Settings
from genims_assets.sqlfiles import read_sql

HOST = "%"
_PRIVILEGE = re.compile(r"[A-Z]+(?: [A-Z]+)*")
_TRIGGER = re.compile(
    r"CREATE TRIGGER (\w+) BEFORE (UPDATE|DELETE) ON (\w+) FOR EACH ROW (SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = "
    r"'[^']*');"
)


class AccountError(ConnectionFailed):
    """An audit account cannot be set up or cannot log in; the message says why and what to do."""


@dataclass(frozen=True)
class Grants:
    """Privileges of one account: on the audit database (`db`.*) and on single tables of it."""

    database: frozenset[str]
    tables: Mapping[str, frozenset[str]]
    procedures: Mapping[str, frozenset[str]] = field(default_factory=dict)


def wanted_grants(role: str) -> Grants:
    """The exact privileges of the shipper, reader and retention accounts."""
    if role == "shipper":
        return Grants(frozenset({"SELECT", "INSERT"}), {SEQUENCE_MANAGER: frozenset({"UPDATE"})})
    if role == "reader":
        return Grants(frozenset({"SELECT"}), {})
    if role == "retention":
        # LOCK TABLES: the last re-count before a partition drop holds the table still (see retention.py).
        # Partitions change only through the procedures, which check what they are asked to do.
        return Grants(frozenset({"SELECT", "LOCK TABLES"}), {}, {p: frozenset({"EXECUTE"}) for p in PROCEDURES})
    raise ValueError(f"unknown audit account role {role!r}: shipper, reader or retention")


@dataclass
class AccountsResult:
    created: list[str] = field(default_factory=list)
    passwords_set: list[str] = field(default_factory=list)
    granted: list[str] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)
    procedures_created: list[str] = field(default_factory=list)
    procedures_replaced: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.created
            or self.passwords_set
            or self.granted
            or self.revoked
            or self.procedures_created
            or self.procedures_replaced
        )


# ---------------------------------------------------------------- passwords and logins


def missing_passwords(settings: Settings) -> list[str]:
    """The password variables of the three audit accounts that are empty."""
    return [a.password_variable for a in settings.audit_accounts() if not a.password]


def require_passwords(settings: Settings) -> None:
    missing = missing_passwords(settings)
    if missing:
        names = missing[0] if len(missing) == 1 else f"{', '.join(missing[:-1])} and {missing[-1]}"
        raise AccountError(
            f"{names} {'is' if len(missing) == 1 else 'are'} empty: the audit database is written, read and pruned "
            "by three MySQL accounts of their own, and setup will not create an account without a password. "
            f"Set {names} in .env (scripts/up generates random ones on first run), then run `genims setup` again. "
            "Nothing was changed."
        )


def connect_as(target: MySQLTarget, **kwargs):
    """mysql_connect, whose refused-login fix names the variables of the login really used (admin, reader ...)."""
    try:
        return mysql_connect(target, **kwargs)
    except ConnectionFailed as error:
        prefix, own = target.credentials_prefix, target.env_prefix
        if not prefix or prefix == own:
            raise
        text = str(error).replace(f"{own}_USER and {own}_PASSWORD", f"{prefix}_USER and {prefix}_PASSWORD")
        raise ConnectionFailed(text) from None


def admin_connect(settings: Settings, database: str | None = None, autocommit: bool = True):
    """The audit server as MYSQL_ADMIN_USER (setup only); errors name the admin variables."""
    return connect_as(settings.admin_target(settings.audit), database=database, autocommit=autocommit)


def can_log_in(settings: Settings, account: MySQLAccount) -> bool:
    try:
        connect_as(settings.audit.as_account(account), database=None).close()
        return True
    except ConnectionFailed:
        return False


def anonymous_accounts(cur) -> list[str]:
    cur.execute("SELECT user, host FROM mysql.user WHERE user = '' ORDER BY host")
    return shadowing_warnings([(r[0], r[1]) for r in cur.fetchall()])


def shadowing_warnings(user_rows: list[tuple[str, str]]) -> list[str]:
    """Warnings for anonymous accounts, which match before 'name'@'%' for the hosts they name."""
    hosts = [host for user, host in user_rows if user == ""]
    if not hosts:
        return []
    names = ", ".join(f"''@'{h}'" for h in hosts)
    return [
        f"anonymous MySQL account(s) {names} exist: for connections from those hosts MySQL picks them before the "
        f"audit accounts ('name'@'{HOST}'), so those logins fail or get the anonymous rights. Remove them "
        f"(DROP USER {names}; mariadb-secure-installation does it) or connect from another host"
    ]


# ---------------------------------------------------------------- grants


def _database_pattern(database: str) -> str:
    ident(database)  # checked
    return "`" + database.replace("_", "\\_") + "`"


def _privilege(name: str) -> str:
    if not _PRIVILEGE.fullmatch(name):
        raise ValueError(f"unexpected privilege name {name!r} in information_schema")
    return name


_ROUTINE_PRIVILEGES = {"Execute": "EXECUTE", "Alter Routine": "ALTER ROUTINE", "Grant": "GRANT OPTION"}


def current_grants(cur, user: str) -> dict[tuple, set[str]]:
    """(level, database, table) -> privileges of user@'%': level global, database, table, column or procedure (the
    table part is the routine name); GRANT OPTION included."""
    grantee = f"'{user}'@'{HOST}'"
    found: dict[tuple, set[str]] = {}
    queries = (
        ("global", "SELECT '', '', privilege_type, is_grantable FROM information_schema.user_privileges"),
        ("database", "SELECT table_schema, '', privilege_type, is_grantable FROM information_schema.schema_privileges"),
        (
            "table",
            "SELECT table_schema, table_name, privilege_type, is_grantable FROM information_schema.table_privileges",
        ),
        (
            "column",
            "SELECT table_schema, table_name, privilege_type, is_grantable FROM information_schema.column_privileges",
        ),
    )
    for level, query in queries:
        cur.execute(query + " WHERE grantee = %s", (grantee,))
        for schema, table, privilege, grantable in cur.fetchall():
            if privilege == "USAGE":
                continue
            privileges = found.setdefault((level, schema, table), set())
            privileges.add(_privilege(privilege))
            if grantable == "YES":
                privileges.add("GRANT OPTION")
    # Routine grants are not in information_schema; mysql.procs_priv holds them (the admin can read it).
    cur.execute(
        "SELECT db, routine_name, routine_type, proc_priv FROM mysql.procs_priv WHERE user = %s AND host = %s",
        (user, HOST),
    )
    for schema, routine, kind, privileges in cur.fetchall():
        level = "procedure" if str(kind).upper() == "PROCEDURE" else "function"
        items = privileges if isinstance(privileges, set | frozenset) else str(privileges).split(",")  # a SET column
        names = {_ROUTINE_PRIVILEGES.get(p, p.upper()) for p in items if p}
        found.setdefault((level, schema, routine), set()).update(_privilege(p) for p in names)
    return found


def _target(level: str, schema: str, table: str) -> str:
    if level == "global":
        return "*.*"
    if level == "database":
        if "`" in schema:
            raise ValueError(f"unexpected database pattern {schema!r}")
        return f"`{schema}`.*"
    if level in ("procedure", "function"):
        return f"{level.upper()} {ident(schema)}.{ident(table)}"
    return f"{ident(schema)}.{ident(table)}"


def grant_differences(current: dict[tuple, set[str]], database: str, wanted: Grants) -> tuple[list, list]:
    """(grants missing, grants extra) as (level, schema, table, privileges) tuples.

    Database-level grants are compared by their pattern as stored: the wanted one is the escaped name; a grant
    on the unescaped name is another grant (its '_' matches any character) and so an extra one.
    """
    escaped = database.replace("_", "\\_")
    want: dict[tuple, set[str]] = {("database", escaped, ""): set(wanted.database)}
    for table, privileges in wanted.tables.items():
        want[("table", database, table)] = set(privileges)
    for procedure, privileges in wanted.procedures.items():
        want[("procedure", database, procedure)] = set(privileges)
    missing, extra = [], []
    for key, privileges in sorted(want.items()):
        lacking = privileges - current.get(key, set())
        if lacking:
            missing.append((*key, sorted(lacking)))
    for key, privileges in sorted(current.items()):
        surplus = privileges - want.get(key, set())
        if surplus:
            extra.append((*key, sorted(surplus)))
    return missing, extra


def _apply_grants(cur, account: MySQLAccount, database: str, result: AccountsResult) -> None:
    missing, extra = grant_differences(current_grants(cur, account.user), database, wanted_grants(account.role))
    for level, schema, table, privileges in extra:
        if level == "column":
            cur.execute(f"REVOKE ALL PRIVILEGES ON {_target('table', schema, table)} FROM %s@%s", (account.user, HOST))
        else:
            names = ", ".join(_privilege(p) for p in privileges)
            cur.execute(f"REVOKE {names} ON {_target(level, schema, table)} FROM %s@%s", (account.user, HOST))
        result.revoked.append(f"{account.user}: {', '.join(privileges)} on {_target(level, schema, table)}")
    for level, schema, table, privileges in missing:
        on = f"{_database_pattern(database)}.*" if level == "database" else _target(level, schema, table)
        cur.execute(f"GRANT {', '.join(_privilege(p) for p in privileges)} ON {on} TO %s@%s", (account.user, HOST))
        result.granted.append(f"{account.user}: {', '.join(privileges)} on {_target(level, database, table or '*')}")


def ensure_accounts(settings: Settings) -> AccountsResult:
    """Create or update the three audit accounts and give each exactly its rights (as the admin; idempotent).

    Needs the audit tables to exist (table-level grants). Raises AccountError when a password is empty or an
    account cannot log in afterwards.
    """
    require_passwords(settings)
    result = AccountsResult()
    conn = admin_connect(settings)
    try:
        with conn.cursor() as cur:
            result.warnings.extend(anonymous_accounts(cur))
            # The procedures first: EXECUTE can only be granted on a procedure that exists.
            result.procedures_created, result.procedures_replaced = apply_procedures(
                cur, settings.audit.database, settings.backup_audit_retention_days
            )
            for account in settings.audit_accounts():
                cur.execute("SELECT COUNT(*) FROM mysql.user WHERE user = %s AND host = %s", (account.user, HOST))
                if not cur.fetchone()[0]:
                    cur.execute("CREATE USER %s@%s IDENTIFIED BY %s", (account.user, HOST, account.password.reveal()))
                    result.created.append(account.user)
                elif not can_log_in(settings, account):
                    cur.execute("ALTER USER %s@%s IDENTIFIED BY %s", (account.user, HOST, account.password.reveal()))
                    result.passwords_set.append(account.user)
                _apply_grants(cur, account, settings.audit.database, result)
    except pymysql.err.MySQLError as error:
        raise AccountError(
            f"setting up the audit accounts on {settings.audit.address} as {settings.mysql_admin.user} failed: "
            f"{error.args[-1] if error.args else error}. Fix: MYSQL_ADMIN_USER needs CREATE USER, CREATE ROUTINE and "
            "GRANT OPTION"
        ) from None
    finally:
        conn.close()
    refused = [a for a in settings.audit_accounts() if not can_log_in(settings, a)]
    if refused:
        names = ", ".join(f"{a.user} ({a.password_variable})" for a in refused)
        hint = " " + result.warnings[0] if result.warnings else ""
        raise AccountError(f"audit account(s) {names} cannot log in to {settings.audit.address} after setup.{hint}")
    return result


def account_problems(cur, settings: Settings) -> list[str]:
    """What differs from the wanted accounts and rights (for `genims verify`; changes nothing)."""
    problems = list(anonymous_accounts(cur))
    problems += procedure_problems(cur, settings.audit.database, settings.backup_audit_retention_days)
    for account in settings.audit_accounts():
        cur.execute("SELECT COUNT(*) FROM mysql.user WHERE user = %s AND host = %s", (account.user, HOST))
        if not cur.fetchone()[0]:
            problems.append(f"audit account {account.user}@'{HOST}' ({account.user_variable}) is missing")
            continue
        missing, extra = grant_differences(
            current_grants(cur, account.user), settings.audit.database, wanted_grants(account.role)
        )
        for level, schema, table, privileges in missing:
            where = f"{settings.audit.database}.*" if level == "database" else _target(level, schema, table)
            problems.append(f"{account.user} lacks {', '.join(privileges)} on {where}")
        for level, schema, table, privileges in extra:
            where = _target("table" if level == "column" else level, schema, table)
            problems.append(f"{account.user} has {', '.join(privileges)} on {where}, more than its role allows")
    return problems


# ---------------------------------------------------------------- the append-only guard


@dataclass(frozen=True)
class GuardTrigger:
    name: str
    event: str
    table: str
    action: str
    statement: str


@cache
def guard_triggers() -> tuple[GuardTrigger, ...]:
    """The triggers of sql/mysql/audit_guard.sql."""
    found = []
    for line in read_sql("mysql", "audit_guard.sql").splitlines():
        if line.startswith("CREATE TRIGGER"):
            match = _TRIGGER.fullmatch(line.strip())
            if not match:
                raise ValueError(f"sql/mysql/audit_guard.sql: unexpected trigger line {line!r}")
            found.append(GuardTrigger(match.group(1), match.group(2), match.group(3), match.group(4), line.strip()))
    return tuple(found)


def _existing_triggers(cur, database: str) -> dict[str, tuple[str, str, str, str]]:
    cur.execute(
        "SELECT trigger_name, event_object_table, action_timing, event_manipulation, action_statement "
        "FROM information_schema.triggers WHERE trigger_schema = %s",
        (database,),
    )
    return {r[0]: (r[1], r[2], r[3], " ".join(str(r[4]).split())) for r in cur.fetchall()}


def _differs(trigger: GuardTrigger, existing: tuple[str, str, str, str]) -> bool:
    return existing != (trigger.table, "BEFORE", trigger.event, " ".join(trigger.action.split()))


def apply_guard(cur, database: str) -> tuple[list[str], list[str]]:
    """Create the guard triggers that are missing, replace those that differ; (created, replaced) names."""
    existing = _existing_triggers(cur, database)
    created, replaced = [], []
    for trigger in guard_triggers():
        if trigger.name in existing and not _differs(trigger, existing[trigger.name]):
            continue
        if trigger.name in existing:
            cur.execute(f"DROP TRIGGER {ident(database)}.{ident(trigger.name)}")
            replaced.append(trigger.name)
        else:
            created.append(trigger.name)
        cur.execute(trigger.statement.rstrip(";"))
    return created, replaced


def guard_problems(cur, database: str) -> list[str]:
    existing = _existing_triggers(cur, database)
    problems = []
    for trigger in guard_triggers():
        if trigger.name not in existing:
            problems.append(f"{database}: append-only trigger {trigger.name} on {trigger.table} is missing")
        elif _differs(trigger, existing[trigger.name]):
            problems.append(f"{database}: append-only trigger {trigger.name} differs from sql/mysql/audit_guard.sql")
    ours = {t.name for t in guard_triggers()}
    for name, (table, _timing, _event, _action) in sorted(existing.items()):
        if name not in ours and table in audit_tables():
            problems.append(f"{database}: unexpected trigger {name} on audit table {table}")
    return problems


def seed_sequence_manager(cur) -> int:
    """One audit_sequence_manager counter per audit table (INSERT IGNORE keeps existing ones); rows added."""
    added = 0
    for table in audit_tables().values():
        added += cur.execute(
            f"INSERT IGNORE INTO {ident(SEQUENCE_MANAGER)} (table_name, sequence_column, timestamp_column) "
            "VALUES (%s, %s, %s)",
            (table.name, table.sequence_column, table.timestamp_column),
        )
    return added


def audit_security_problems(settings: Settings) -> list[str]:
    """Guard triggers and account rights of the audit database, as the admin sees them ([] when all is right)."""
    conn = admin_connect(settings)
    try:
        with conn.cursor() as cur:
            return guard_problems(cur, settings.audit.database) + account_problems(cur, settings)
    finally:
        conn.close()
