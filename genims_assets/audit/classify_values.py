"""The values of the audit rows a queue event feeds: row images, numbers, text fitted to its column, shared parts.

Pure functions used by classify.py (the module docstring there says why the rows look as they do):
- row images are parsed once per event with Decimal for fractions and serialised
  once in the store's canonical JSON form (`CanonicalJson`, written as it is);
- text longer than its column is cut to fit with CUT_MARK, never silently (the
  full value stays in the row image of system_audit_log); the limits come from
  the store's column specs;
- who changed what, from where, and the event's source columns are built once
  per event and shared by every row it feeds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any

from genims_assets.audit.canonical import table_specs
from genims_assets.audit.canonical_json import CanonicalJson, canonical_json, parse_json_canonical
from genims_assets.audit.tables import audit_table

CUT_MARK = "…[cut]"
PRICE_LIMIT = Decimal("1e18")  # DECIMAL(22,4)


# ---------------------------------------------------------------- values


def image(value: Any) -> dict[str, Any] | None:
    """A row image (jsonb text or an already parsed dict) as a dict with exact numbers; None when absent."""
    return image_and_text(value)[0]


def image_and_text(value: Any) -> tuple[dict[str, Any] | None, CanonicalJson | None]:
    """A row image as a dict with exact numbers and as canonical JSON text, from one parse; (None, None) when absent.

    The text goes to every audit table that keeps the image (the store writes canonical text as it is)."""
    if value is None:
        return None, None
    if isinstance(value, str):
        value, text = parse_json_canonical(value)
    else:
        text = canonical_json(value) if isinstance(value, dict) else None
    if not isinstance(value, dict):
        raise TypeError(f"row image is a JSON {type(value).__name__}, not an object")
    return value, text


def json_text(value: Any) -> str | None:
    """A value for a JSON column: JSON text is passed on as it is, anything else serialised."""
    if value is None or isinstance(value, str):
        return value
    return canonical_json(value)  # numbers keep every digit (Decimals are not turned into strings)


def value_text(value: Any) -> str | None:
    """A column value as text for data_change_audit (JSON scalars as PostgreSQL prints them)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal | float):
        return str(value)
    return json.dumps(value, default=str, separators=(",", ":"), ensure_ascii=False)


def number(value: Any) -> Decimal | None:
    """A numeric value, or None when absent or not a number (a text that is not one, a boolean)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            parsed = Decimal(value.strip())
        except InvalidOperation:
            return None
        return parsed if parsed.is_finite() else None
    return None


def whole(value: Any, low: int, high: int) -> int | None:
    """A whole number within low..high, else None (a fiscal period of 13 fits TINYINT; 'Q1' does not)."""
    parsed = number(value)
    if parsed is None or parsed != parsed.to_integral_value():
        return None
    result = int(parsed)
    return result if low <= result <= high else None


def bounded(value: Decimal | None) -> Decimal | None:
    """An amount or price that fits DECIMAL(22,4), else None (the row images keep the value)."""
    return value if value is None or abs(value) < PRICE_LIMIT else None


# ---------------------------------------------------------------- text that fits its column

SHARED_TEXT = (
    "source_database", "source_schema", "table_name", "primary_key_value", "key_basis", "operation", "user_id",
    "user_source", "db_session_user", "client_address", "application_name", "reason_code", "approval_id",
)  # fmt: skip
"""Text columns the row-change tables share, as wide in every table: fitted once per event."""


@cache
def _text_limits(table: str, shared: bool = True) -> tuple[tuple[str, int, int, bool], ...]:
    """(column, length beyond which the value may not fit, limit, limit is in bytes) of an audit table's text
    columns, from the schema via the store. A UTF-8 character takes at most 4 bytes."""
    return tuple(
        (s.name, s.high // 4 if s.byte_limit else s.high, s.high, s.byte_limit)
        for s in table_specs(table)
        if s.kind == "text" and (shared or s.name not in SHARED_TEXT)
    )


def _cut(value: str, limit: int, in_bytes: bool) -> str:
    if in_bytes:
        if len(value) * 4 <= limit or len(value.encode("utf-8")) <= limit:
            return value
        room = limit - len(CUT_MARK.encode("utf-8"))
        return value.encode("utf-8")[:room].decode("utf-8", errors="ignore") + CUT_MARK
    return value if len(value) <= limit else value[: limit - len(CUT_MARK)] + CUT_MARK


def fit(table: str, row: dict[str, Any], shared: bool = True) -> dict[str, Any]:
    """Cut text values longer than their column (marked), so that no event fails its batch by its length.

    shared=False leaves the SHARED_TEXT columns alone (fitted once for the event).
    """
    for column, beyond, limit, in_bytes in _text_limits(table, shared):
        value = row.get(column)
        if value.__class__ is str and len(value) > beyond:
            row[column] = _cut(value, limit, in_bytes)  # checks the exact limit (bytes: the encoded length)
    return row


# ---------------------------------------------------------------- shared parts of the rows


@cache
def timestamp_column(table: str) -> str:
    return audit_table(table).timestamp_column


def who_columns(event: Mapping[str, Any]) -> dict[str, Any]:
    app_user = event.get("app_user") or None
    session_user = event.get("db_session_user") or None
    return fit(
        "system_audit_log",
        {
            "transaction_id": event.get("txid"),
            "user_id": app_user or session_user,
            "user_source": "application" if app_user else "db_session_user" if session_user else None,
            "db_session_user": session_user,
            "client_address": event.get("client_addr") or None,
            "application_name": event.get("application_name") or None,
            "reason_code": event.get("reason_code") or None,
            "approval_id": event.get("approval_id") or None,
        },
    )


def source_columns(table: str, event: Mapping[str, Any]) -> dict[str, Any]:
    return {
        timestamp_column(table): event["event_time"],
        "source_database": event["source_database"],
        "source_event_id": event["event_id"],
        "source_schema": event.get("schema_name"),
    }


def session_of(event: Mapping[str, Any]) -> str | None:
    pid, start = event.get("backend_pid"), event.get("backend_start")
    if pid is None:
        return None
    return session_text(pid, start) if isinstance(start, datetime) else str(pid)


@lru_cache(maxsize=4096)
def session_text(pid: Any, start: datetime) -> str:
    """pid@backend start: the same few sessions make most events of a batch."""
    return f"{pid}@{start.isoformat()}"
