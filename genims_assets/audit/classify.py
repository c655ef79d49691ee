"""From one captured event to the audit rows it feeds: pure functions, no I/O.

Why it is built this way:
- One function, `classify_event(event, short)`, takes one row of a source
  database's `genims_audit.change_queue` (its columns as a dict, plus
  `source_database`, the real database name) and returns the rows it feeds,
  per audit table, as column -> value without the sequence, row_hash and
  created_at columns (the store assigns them). Which tables a change feeds is
  read from `scope.py`, the one declaration of the capture scope; nothing here
  repeats its lists.
- Every `row` event feeds system_audit_log; an UPDATE also feeds
  data_change_audit, one row per changed column. An INSERT or DELETE does NOT
  feed data_change_audit: its whole row image is already in system_audit_log
  (new_values/old_values), and one row per column would multiply the rows
  written by the width of the table (30 columns: 30 rows per inserted row),
  which the shipping throughput goal (50k events/s) cannot afford, for no
  information the auditor does not already have.
- A `bulk` or `truncate` event feeds bulk_operation_audit only: the rows of
  a bulk statement arrive as their own row events; DDL feeds
  database_changes, GRANT/REVOKE permission_changes.
- Row images arrive as JSON text (the shipper reads jsonb as text, so numbers
  keep their exact digits); the text is parsed once per event with `Decimal`
  for the values used here (amounts, prices, keys) and serialised once in the
  store's canonical form (`CanonicalJson`), which the store then writes as it
  is to every table that keeps the image, instead of parsing it again per
  table. Per-table answers of scope.py are cached: they are asked for every
  event.
- A malformed event (unknown kind, a row event without its table or row image,
  a bulk event without its row count ...) does not stop the shipment and is
  not lost: it is kept in system_audit_log with status `malformed`, the whole
  event as received in new_values, and `Classified.problem` says what is wrong
  so that the shipper raises a security event. A compliance officer would
  rather have every other change keep flowing, and this one visible, chained
  and alerted on, than an audit trail that stops at the first bad event.
  Only an event without an id or a time cannot be kept (its key would be
  missing); `MalformedEvent` then names it and the batch fails.
- Text longer than its column is cut to fit with a marker (never silently):
  the full value stays in the row image of system_audit_log.
- The values of the rows (images, numbers, fitted text, the shared columns)
  are made by classify_values.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from genims_assets.audit import scope
from genims_assets.audit.canonical_json import canonical_json
from genims_assets.audit.classify_values import (
    CUT_MARK as CUT_MARK,
)
from genims_assets.audit.classify_values import (
    bounded,
    fit,
    image,
    image_and_text,
    json_text,
    number,
    session_of,
    source_columns,
    timestamp_column,
    value_text,
    who_columns,
    whole,
)
from genims_assets.settings import SOURCE_DATABASES
from genims_assets.sqlfiles import source_tables

KINDS = ("row", "bulk", "truncate", "ddl", "grant")
ROW_OPERATIONS = ("INSERT", "UPDATE", "DELETE")
MALFORMED = "malformed"
COMMITTED = "committed"
PCT_LIMIT = Decimal("1e25")  # pct_change is DECIMAL(30,4): larger changes are stored as NULL (prices are kept)


class MalformedEvent(ValueError):
    """An event that cannot be kept at all (no id, time or database); the message names it."""


@dataclass(frozen=True)
class Classified:
    """The audit rows one event feeds, by table; `problem` is set for a malformed event (kept, flagged)."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    problem: str | None = None


# ---------------------------------------------------------------- what a table's changes feed (cached)


@dataclass(frozen=True)
class _Hints:
    targets: tuple[str, ...]
    financial: scope.FinancialTable | None
    prices: tuple[scope.PriceColumn, ...]
    config: scope.ConfigTable | None
    portal: scope.PortalUserTable | None
    master: scope.MasterEntity | None
    customer: scope.CustomerTable | None
    personnel: scope.PersonnelTable | None
    supplier: scope.SupplierTable | None
    types: dict[str, str]


@lru_cache(maxsize=4096)
def _hints(short: str, table: str) -> _Hints:
    """scope.py's answers for one table, asked once (the scope functions scan their declarations)."""
    definition = source_tables(SOURCE_DATABASES[short]).get(table)
    return _Hints(
        scope.change_tables(short, table),
        scope.financial_table(short, table),
        scope.price_columns(short, table),
        scope.config_table(short, table),
        scope.portal_user_table(short, table),
        scope.master_entity(short, table),
        scope.customer_table(short, table),
        scope.personnel_table(short, table),
        scope.supplier_table(short, table),
        {c.name: c.type for c in definition.columns} if definition else {},
    )


@dataclass
class _Change:
    """One row event, parsed once: its images, changed columns, who, and the columns every change table shares."""

    event: Mapping[str, Any]
    hints: _Hints
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    changed: list[str]
    who: dict[str, Any]
    common: dict[str, Any]

    @classmethod
    def parse(cls, event: Mapping[str, Any], short: str) -> _Change:
        (old, old_text), (new, new_text) = image_and_text(event.get("old_row")), image_and_text(event.get("new_row"))
        changed = list(event.get("changed_columns") or [])
        if event["operation"] == "UPDATE" and not changed and old is not None and new is not None:
            changed = [c for c in new if new.get(c) != old.get(c)]
        who = who_columns(event)
        common = fit(
            "system_audit_log",
            {
                "source_database": event["source_database"],
                "source_event_id": event["event_id"],
                "source_schema": event.get("schema_name"),
                "table_name": event["table_name"],
                "primary_key_value": event.get("pk_value"),
                "key_basis": event.get("key_basis") or "primary_key",
                "operation": event["operation"],
                "old_values": old_text,
                "new_values": new_text,
                "changed_columns": canonical_json(changed),
                **who,
            },
        )
        return cls(event, _hints(short, event["table_name"]), old, new, changed, who, common)

    @property
    def operation(self) -> str:
        return self.event["operation"]

    def row(self, table: str, **columns: Any) -> dict[str, Any]:
        """A row of a change table: the shared columns, the table's timestamp, and its own `columns`."""
        return fit(table, {timestamp_column(table): self.event["event_time"], **self.common, **columns}, False)

    def pick(self, column: str | None) -> Any:
        """A column's value from the row after the change, else before it (DELETE)."""
        if column is None:
            return None
        if self.new is not None and self.new.get(column) is not None:
            return self.new[column]
        return self.old.get(column) if self.old is not None else None

    def holds(self, columns: Iterable[str]) -> bool:
        """True when the row before or after the change has a value in one of `columns`."""
        for row_image in (self.old, self.new):
            if row_image is not None:
                for column in columns:
                    if row_image.get(column) is not None:
                        return True
        return False


# ---------------------------------------------------------------- validation and malformed events


def _problem(event: Mapping[str, Any]) -> str | None:
    kind = event.get("event_kind")
    if kind not in KINDS:
        return f"unknown event_kind {kind!r} (known: {', '.join(KINDS)})"
    if not event.get("operation"):
        return "operation is missing"
    if kind in ("row", "bulk", "truncate") and not event.get("table_name"):
        return f"a {kind} event without table_name"
    if kind == "row":
        operation = event["operation"]
        if operation not in ROW_OPERATIONS:
            return f"row event with operation {operation!r} (expected {', '.join(ROW_OPERATIONS)})"
        if operation == "INSERT" and event.get("new_row") is None:
            return "INSERT row event without new_row"
        if operation == "DELETE" and event.get("old_row") is None:
            return "DELETE row event without old_row"
        if operation == "UPDATE" and event.get("old_row") is None and event.get("new_row") is None:
            return "UPDATE row event without old_row and new_row"
    if kind in ("bulk", "truncate") and not isinstance(event.get("rows_affected"), int):
        return f"{kind} event without a whole-number rows_affected"
    return None


def _malformed(event: Mapping[str, Any], problem: str) -> Classified:
    row = {
        **source_columns("system_audit_log", event),
        "table_name": str(event.get("table_name") or "(unknown)"),
        "primary_key_value": value_text(event.get("pk_value")),
        "key_basis": event.get("key_basis") if event.get("key_basis") in ("primary_key", "whole_row") else None,
        "operation": str(event.get("operation") or "UNKNOWN"),
        "new_values": json.dumps(dict(event), default=str, sort_keys=True, ensure_ascii=False),
        **who_columns(event),
        "session_id": session_of(event),
        "status": MALFORMED,
    }
    for column in ("source_schema", "user_id", "db_session_user", "client_address", "application_name"):
        row[column] = None if row[column] is None else str(row[column])
    return Classified({"system_audit_log": [fit("system_audit_log", row)]}, f"event {event['event_id']}: {problem}")


# ---------------------------------------------------------------- classification


def classify_event(event: Mapping[str, Any], short: str) -> Classified:
    """The audit rows of one queue event of source database `short` (see the module docstring)."""
    if (
        not isinstance(event.get("event_id"), int)
        or not isinstance(event.get("event_time"), datetime)
        or not isinstance(event.get("source_database"), str)
    ):
        raise MalformedEvent(
            f"queue event {event.get('event_id')!r} of {event.get('source_database')!r} lacks an integer event_id, "
            "its event_time or its source_database: it cannot be keyed in the audit trail; inspect "
            "genims_audit.change_queue"
        )
    if short not in SOURCE_DATABASES:
        raise ValueError(f"unknown source database {short!r}; known: {', '.join(SOURCE_DATABASES)}")
    problem = _problem(event)
    if problem:
        return _malformed(event, problem)
    kind = event["event_kind"]
    try:
        if kind == "row":
            return Classified(_row_event(_Change.parse(event, short)))
        if kind in ("bulk", "truncate"):
            return Classified({"bulk_operation_audit": [_bulk(event)]})
        if kind == "ddl":
            return Classified({"database_changes": [_ddl(event)]})
        return Classified({"permission_changes": [_grant(event)]})
    except (TypeError, ValueError) as error:  # json.JSONDecodeError is a ValueError
        return _malformed(event, f"{type(error).__name__}: {error}")


def classify_events(events: Iterable[Mapping[str, Any]], short: str) -> tuple[dict[str, list[dict]], dict[int, str]]:
    """The rows of many events merged by table, and event id -> problem of the malformed ones (kept, flagged)."""
    rows: dict[str, list[dict]] = {}
    problems: dict[int, str] = {}
    for event in events:
        result = classify_event(event, short)
        for table, table_rows in result.rows.items():
            rows.setdefault(table, []).extend(table_rows)
        if result.problem:
            problems[event["event_id"]] = result.problem
    return rows, problems


def _row_event(c: _Change) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {
        "system_audit_log": [
            c.row("system_audit_log", session_id=session_of(c.event), affected_rows=1, status=COMMITTED)
        ]
    }
    if c.operation == "UPDATE":
        out["data_change_audit"] = _column_changes(c)
    for target in c.hints.targets:
        rows = _FEEDS[target](c)
        if rows:
            out[target] = rows
    return out


def _column_changes(c: _Change) -> list[dict[str, Any]]:
    base = {**source_columns("data_change_audit", c.event), **c.who}
    for column in ("table_name", "primary_key_value", "key_basis"):
        base[column] = c.common[column]
    base["operation"] = "UPDATE"
    rows = []
    for column in c.changed:
        before = value_text(c.old.get(column)) if c.old is not None else None
        after = value_text(c.new.get(column)) if c.new is not None else None
        change_type = "set" if before is None else "cleared" if after is None else "modified"
        row = {**base, "column_name": column, "data_type": c.hints.types.get(column), "old_value": before,
               "new_value": after, "change_type": change_type}  # fmt: skip
        rows.append(fit("data_change_audit", row, False))
    return rows


def _financial(c: _Change) -> list[dict[str, Any]]:
    hint = c.hints.financial
    if hint is None:
        return []
    amount_column = hint.amount_columns[0] if hint.amount_columns else None
    if c.operation == "UPDATE":
        amount_column = next((a for a in hint.amount_columns if a in c.changed), amount_column)
    before = bounded(number(c.old.get(amount_column))) if c.old is not None and amount_column else None
    after = bounded(number(c.new.get(amount_column))) if c.new is not None and amount_column else None
    difference = None if amount_column is None else (after or Decimal(0)) - (before or Decimal(0))
    return [
        c.row(
            "financial_data_changes",
            document_number=value_text(c.pick(hint.document_number_column)),
            gl_account=value_text(c.pick(hint.gl_account_column)),
            fiscal_year=whole(c.pick(hint.fiscal_year_column), -32768, 32767),
            fiscal_period=whole(c.pick(hint.fiscal_period_column), -128, 127),
            currency_code=value_text(c.pick(hint.currency_column)),
            amount_column=amount_column,
            amount_before=before,
            amount_after=after,
            amount_difference=difference,
        )
    ]


def _master(c: _Change) -> list[dict[str, Any]]:
    hint = c.hints.master
    return [
        c.row(
            "master_data_changes",
            entity_type=hint.entity_type if hint else None,
            business_key=value_text(c.pick(hint.business_key_column if hint else None)),
        )
    ]


def _customer(c: _Change) -> list[dict[str, Any]]:
    hint = c.hints.customer
    return [
        c.row(
            "customer_data_changes",
            account_id=value_text(c.pick(hint.account_id_column if hint else "account_id")),
            customer_id=value_text(c.pick(hint.customer_id_column if hint else "customer_id")),
            contact_id=value_text(c.pick(hint.contact_id_column if hint else "contact_id")),
            contains_personal_data=int(c.holds(hint.personal_columns if hint else ())),
        )
    ]


def _personnel(c: _Change) -> list[dict[str, Any]]:
    hint = c.hints.personnel
    return [
        c.row(
            "personnel_data_changes",
            employee_id=value_text(c.pick(hint.employee_id_column if hint else None)),
            contains_health_data=int(c.holds(hint.health_columns if hint else ())),
            contains_compensation_data=int(c.holds(hint.compensation_columns if hint else ())),
        )
    ]


def _supplier(c: _Change) -> list[dict[str, Any]]:
    hint = c.hints.supplier
    return [
        c.row(
            "supplier_data_changes",
            supplier_id=value_text(c.pick(hint.supplier_id_column if hint else None)),
            portal_user_id=value_text(c.pick(hint.portal_user_column if hint else None)),
        )
    ]


def _configuration(c: _Change) -> list[dict[str, Any]]:
    config = c.hints.config
    if c.operation == "UPDATE" and not set(c.changed) - set(config.operational_columns):
        return []  # day-to-day bookkeeping columns only (scope.is_configuration_change)
    return [c.row("configuration_changes", config_area=config.area)]


def _price_changes(c: _Change) -> list[dict[str, Any]]:
    rows = []
    for hint in c.hints.prices:
        if c.operation == "UPDATE":
            if hint.column not in c.changed:
                continue
        elif hint.kind != "price_list":
            continue  # creating or deleting a document line is not a price change
        before = bounded(number(c.old.get(hint.column))) if c.old is not None else None
        after = bounded(number(c.new.get(hint.column))) if c.new is not None else None
        if c.operation != "UPDATE" and before is None and after is None:
            continue
        difference = after - before if before is not None and after is not None else None
        pct = difference / abs(before) * 100 if difference is not None and before != 0 else None
        rows.append(
            c.row(
                "price_cost_changes",
                column_name=hint.column,
                item_type=hint.item_type,
                item_id=value_text(c.pick(hint.item_id_column)),
                currency_code=hint.currency or value_text(c.pick(hint.currency_column)),
                old_price=before,
                new_price=after,
                price_difference=difference,
                pct_change=pct if pct is None or abs(pct) < PCT_LIMIT else None,
            )
        )
    return rows


def _login(c: _Change) -> list[dict[str, Any]]:
    """A portal login, failed login, lock-out or password change, seen in the portal user table's columns."""
    hint = c.hints.portal
    if c.operation != "UPDATE" or c.old is None or c.new is None:
        return []
    old, new, changed = c.old, c.new, set(c.changed)

    def grew(column: str | None) -> bool:
        if column is None or column not in changed:
            return False
        before, after = number(old.get(column)), number(new.get(column))
        return after is not None and (before is None or after > before)

    locked = (hint.status_column in changed and new.get(hint.status_column) in hint.locked_statuses) or (
        hint.active_column in changed and new.get(hint.active_column) is False
    )
    if grew(hint.failed_attempts_column):
        event_type, outcome = "login_failed", "failure"
    elif locked:
        event_type, outcome = "locked", "success"
    elif changed & set(hint.password_columns):
        event_type, outcome = "password_changed", "success"
    elif hint.last_login_column in changed or grew(hint.login_count_column):
        event_type, outcome = "login", "success"
    else:
        return []
    row = {k: v for k, v in source_columns("login_audit", c.event).items() if k != "source_schema"}
    row |= {
        "user_id": value_text(c.pick(hint.user_id_column)) or str(c.event.get("pk_value")),
        "username": value_text(c.pick(hint.username_column)),
        "user_type": hint.user_type,
        "event_type": event_type,
        "outcome": outcome,
        # The source database sees the portal's server, not the person: no address beats a wrong one.
        "client_address": None,
    }
    return [fit("login_audit", row)]


def _portal_permission(c: _Change) -> list[dict[str, Any]]:
    """A portal user gained, changed or lost a role or permission flag."""
    hint = c.hints.portal
    image_ = c.new if c.new is not None else c.old
    if c.operation == "UPDATE":
        roles = [r for r in hint.role_columns if r in c.changed]
        if not roles:
            return []
    else:
        roles = [r for r in hint.role_columns if image_ is not None and image_.get(r) is not None]
    return [
        c.row(
            "permission_changes",
            grantee=value_text(c.pick(hint.user_id_column)),
            grantor=c.who["user_id"],
            role_name=value_text(c.pick(hint.role_columns[0] if hint.role_columns else None)),
            object_type="portal_user",
            object_name=f"{c.event.get('schema_name') or 'public'}.{c.event['table_name']}",
            # The role and permission columns concerned, with their value after the change (before it, for DELETE).
            privileges={r: image_.get(r) for r in roles},
        )
    ]


_FEEDS = {
    "financial_data_changes": _financial,
    "master_data_changes": _master,
    "customer_data_changes": _customer,
    "personnel_data_changes": _personnel,
    "supplier_data_changes": _supplier,
    "configuration_changes": _configuration,
    "price_cost_changes": _price_changes,
    "login_audit": _login,
    "permission_changes": _portal_permission,
}


# ---------------------------------------------------------------- statements, DDL and privileges


def _bulk(event: Mapping[str, Any]) -> dict[str, Any]:
    sample = event.get("sample_rows")
    parsed = json.loads(sample) if isinstance(sample, str) else sample
    row = {
        **source_columns("bulk_operation_audit", event),
        "table_name": event["table_name"],
        "operation": event["operation"],
        "rows_affected": event["rows_affected"],
        "status": COMMITTED,
        "sample_rows": json_text(sample),
        "sample_size": len(parsed) if isinstance(parsed, list) else None,
        "statement_text": event.get("statement_text"),
        **who_columns(event),
    }
    return fit("bulk_operation_audit", row)


def _details(event: Mapping[str, Any]) -> dict[str, Any]:
    """The DDL/GRANT details the capture keeps in the row images (trigger_event, grantee, privileges ...)."""
    return {**(image(event.get("old_row")) or {}), **(image(event.get("new_row")) or {})}


def _ddl(event: Mapping[str, Any]) -> dict[str, Any]:
    row = {
        **source_columns("database_changes", event),
        "table_name": event.get("table_name"),
        "operation": "DDL",
        "command_tag": event.get("command_tag") or event["operation"],
        "object_type": event.get("object_type"),
        "object_identity": event.get("object_identity"),
        "trigger_event": _details(event).get("trigger_event"),
        "statement_text": event.get("statement_text"),
        **who_columns(event),
    }
    return fit("database_changes", row)


def _grant_operation(event: Mapping[str, Any]) -> str:
    """GRANT or REVOKE; ALTER DEFAULT PRIVILEGES says which in its statement."""
    operation = event["operation"].upper()
    if operation in ("GRANT", "REVOKE"):
        return operation
    statement = (event.get("statement_text") or "").upper()
    grant, revoke = statement.find(" GRANT "), statement.find(" REVOKE ")
    if revoke >= 0 and (grant < 0 or revoke < grant):
        return "REVOKE"
    return "GRANT" if grant >= 0 else operation[:16]


def _grant(event: Mapping[str, Any]) -> dict[str, Any]:
    details = _details(event)
    privileges = details.get("privileges")
    if privileges is None and event.get("changed_columns"):
        privileges = list(event["changed_columns"])
    grant_option = details.get("with_grant_option")
    row = {
        **source_columns("permission_changes", event),
        "table_name": event.get("table_name"),
        "operation": _grant_operation(event),
        "old_values": json_text(event.get("old_row")),
        "new_values": json_text(event.get("new_row")),
        "changed_columns": list(event.get("changed_columns") or []) or None,
        "command_tag": event.get("command_tag") or event["operation"],
        "grantee": value_text(details.get("grantee")),
        "grantor": value_text(details.get("grantor")),
        "object_type": event.get("object_type"),
        "object_name": event.get("object_identity"),
        "privileges": privileges,
        "with_grant_option": None if grant_option is None else int(bool(grant_option)),
        "statement_text": event.get("statement_text"),
        **who_columns(event),
    }
    return fit("permission_changes", row)
