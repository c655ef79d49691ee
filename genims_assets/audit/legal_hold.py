"""Legal holds: place, release and list them; tell the retention job which holds cover a partition.

Why it is built this way:

- A hold is a series of events in legal_hold_tracking (append-only): `placed`,
  then `released`. The latest event of a hold decides its status, and each
  event row repeats the hold's scope, so one row says everything about the hold
  at that moment.
- Events go through the platform outbox like every platform record, and
  `place`/`release` ship them at once and confirm that MySQL holds them before
  returning: a hold is in force when the command says so.
- The retention job reads holds from MySQL *and* from events still waiting in
  the outbox, so a hold whose shipping failed still stops a purge.
- Expiry does not end a hold. `expires_at` is a review date: a hold past it
  keeps blocking purges and `list` shows it as overdue for review, until
  someone releases it. Purging data is irreversible; keeping it a little longer
  while a lapsed hold awaits review costs nothing.
- A hold naming data subjects still blocks the whole partitions of its tables
  and dates: a partition is dropped whole, and the audit tables carry subject
  ids in different columns, so "no row of this subject here" cannot be proven
  cheaply; the hold errs on the side of keeping.
"""

from __future__ import annotations

import getpass
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import click
import pymysql

from genims_assets.audit.outbox import ensure_outbox, record
from genims_assets.audit.outbox_ship import ship_outbox
from genims_assets.audit.store import prepare_rows
from genims_assets.audit.tables import audit_table, audit_tables
from genims_assets.connections import ConnectionFailed, mysql_connect, postgres_connect
from genims_assets.settings import Settings, SettingsError, load_settings

TABLE = "legal_hold_tracking"
PRODUCER = "legal_hold"
_COLUMNS = (
    "hold_id", "case_reference", "event_type", "status", "scope_tables", "scope_subjects", "date_from", "date_to",
    "placed_by", "placed_at", "reviewer", "reviewed_at", "expires_at", "released_by", "released_at",
    "release_reason", "notes", "event_timestamp",
)  # fmt: skip


class LegalHoldError(RuntimeError):
    """A hold request is invalid or could not be made effective; the message says why and what to do."""


@dataclass(frozen=True)
class Hold:
    """A hold as its latest event describes it."""

    hold_id: str
    case_reference: str
    status: str
    scope_tables: tuple[str, ...]
    scope_subjects: tuple[str, ...]
    date_from: date | None
    date_to: date | None
    placed_by: str | None
    placed_at: datetime | None
    reviewer: str | None
    expires_at: datetime | None
    released_by: str | None
    released_at: datetime | None
    release_reason: str | None
    notes: str | None
    last_event_type: str
    last_event_at: datetime
    pending: bool = False  # latest event still waiting in the outbox

    @property
    def active(self) -> bool:
        return self.status == "active"

    def overdue(self, now: datetime) -> bool:
        return self.active and self.expires_at is not None and self.expires_at <= now

    def covers_table(self, database: str, table: str) -> bool:
        for entry in self.scope_tables:
            scope_db, _, scope_table = entry.rpartition(".")
            if scope_table in (table, "*") and scope_db in ("", database):
                return True
        return False

    def covers(self, database: str, table: str, range_from: datetime | None, range_to: datetime | None) -> bool:
        """Active, scoped to the table, and its dates overlap [range_from, range_to)."""
        if not self.active or not self.covers_table(database, table):
            return False
        hold_start = datetime.combine(self.date_from, time.min) if self.date_from else None
        hold_end = datetime.combine(self.date_to + timedelta(days=1), time.min) if self.date_to else None
        if hold_start is not None and range_to is not None and range_to <= hold_start:
            return False
        if hold_end is not None and range_from is not None and range_from >= hold_end:
            return False
        return True


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _as_datetime(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _as_list(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = json.loads(value)
    return tuple(str(v) for v in value)


def _hold_from_event(event: dict, pending: bool) -> Hold:
    return Hold(
        hold_id=event["hold_id"],
        case_reference=event["case_reference"],
        status=event["status"],
        scope_tables=_as_list(event.get("scope_tables")),
        scope_subjects=_as_list(event.get("scope_subjects")),
        date_from=_as_date(event.get("date_from")),
        date_to=_as_date(event.get("date_to")),
        placed_by=event.get("placed_by"),
        placed_at=_as_datetime(event.get("placed_at")),
        reviewer=event.get("reviewer"),
        expires_at=_as_datetime(event.get("expires_at")),
        released_by=event.get("released_by"),
        released_at=_as_datetime(event.get("released_at")),
        release_reason=event.get("release_reason"),
        notes=event.get("notes"),
        last_event_type=event["event_type"],
        last_event_at=_as_datetime(event["event_timestamp"]),
        pending=pending,
    )


def _mysql_events(settings: Settings) -> list[dict]:
    conn = mysql_connect(settings.audit)
    try:
        with conn.cursor(pymysql.cursors.DictCursor) as cur:
            cur.execute(f"SELECT {', '.join(_COLUMNS)} FROM {TABLE} ORDER BY hold_event_sequence")
            rows = list(cur.fetchall())
        conn.rollback()
    finally:
        conn.close()
    return rows


def _pending_events(settings: Settings) -> list[dict]:
    ensure_outbox(settings)
    conn = postgres_connect(settings.postgres, settings.dagster_database)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                "SELECT payload FROM genims_audit.platform_outbox WHERE target_table = %s AND shipped_at IS NULL "
                "ORDER BY event_id",
                (TABLE,),
            )
            return [row[0] for row in cur.fetchall()]
    finally:
        conn.close()


def load_holds(settings: Settings, *, include_pending: bool = True) -> dict[str, Hold]:
    """Every hold by id, as its latest event says (events still in the outbox count when include_pending)."""
    events = [(e, False) for e in _mysql_events(settings)]
    if include_pending:
        events += [(e, True) for e in _pending_events(settings)]
    latest: dict[str, tuple[datetime, int, dict, bool]] = {}
    for order, (event, pending) in enumerate(events):
        key = (_as_datetime(event["event_timestamp"]), order)
        current = latest.get(event["hold_id"])
        if current is None or key >= current[:2]:
            latest[event["hold_id"]] = (*key, event, pending)
    return {hold_id: _hold_from_event(event, pending) for hold_id, (_, _, event, pending) in latest.items()}


def blocking_holds(
    holds: Iterable[Hold], database: str, table: str, range_from: datetime | None, range_to: datetime | None
) -> list[Hold]:
    """The active holds that forbid purging `table`'s data in [range_from, range_to)."""
    return [h for h in holds if h.covers(database, table, range_from, range_to)]


def ship_now(settings: Settings, tables: Sequence[str]) -> str | None:
    """Ship the outbox's pending rows of `tables` now; None when all went, else why some still wait (kept, not lost)."""
    try:
        shipment = ship_outbox(settings, tables=list(tables))
    except Exception as error:  # noqa: BLE001 - the rows stay in the outbox; the scheduled shipper retries
        return f"{type(error).__name__}: {error}"
    if shipment.rejected:
        event_id, reason = next(iter(sorted(shipment.rejected.items())))
        return f"{len(shipment.rejected)} outbox row(s) refused, first {event_id}: {reason}"
    return None


def _ship_and_confirm(settings: Settings, hold_id: str, event_type: str) -> None:
    """Ship the outbox's legal hold events now and check that MySQL holds this one."""
    problem = ship_now(settings, [TABLE])
    try:
        conn = mysql_connect(settings.audit)
        try:
            with conn.cursor() as cur:
                cur.execute(
                    f"SELECT COUNT(*) FROM {TABLE} WHERE hold_id = %s AND event_type = %s", (hold_id, event_type)
                )
                present = cur.fetchone()[0] > 0
        finally:
            conn.close()
    except ConnectionFailed as error:
        present, problem = False, problem or str(error)
    if not present:
        raise LegalHoldError(
            f"hold {hold_id} ({event_type}) is recorded in the platform outbox but not yet in "
            f"{settings.audit.database}: {problem or 'the shipper did not write it'}. The retention job already "
            "honours it from the outbox; run `genims audit ship` once MySQL is reachable, then `genims compliance "
            "legal-hold list` to confirm"
        )


def _keep(settings: Settings, event: dict) -> None:
    """Check the event against legal_hold_tracking's columns (as the shipper will), then put it in the outbox."""
    row = {k: v for k, v in event.items() if v is not None}
    try:
        prepare_rows(TABLE, [row])
    except ValueError as error:
        raise LegalHoldError(f"{error}; nothing was recorded") from None
    record(settings, TABLE, [row], producer=PRODUCER)


def _validated_tables(settings: Settings, tables: Sequence[str]) -> list[str]:
    names = list(tables) or sorted(audit_tables())
    try:
        checked = [audit_table(name).name for name in names]
    except ValueError as error:
        raise LegalHoldError(f"--table: {error}") from None
    return [f"{settings.audit.database}.{name}" for name in dict.fromkeys(checked)]


def place_hold(
    settings: Settings,
    *,
    case_reference: str,
    reason: str,
    reviewer: str,
    case_name: str | None = None,
    tables: Sequence[str] = (),
    subjects: Sequence[str] = (),
    date_from: date | None = None,
    date_to: date | None = None,
    expires_at: datetime | None = None,
    placed_by: str | None = None,
    now: datetime | None = None,
) -> Hold:
    """Place a hold; returns it once legal_hold_tracking in MySQL holds its `placed` event."""
    now = now or _now()
    if not case_reference.strip() or not reason.strip() or not reviewer.strip():
        raise LegalHoldError("a hold needs a case reference, a reason and a reviewer")
    if date_from and date_to and date_from > date_to:
        raise LegalHoldError(f"the date range is reversed: --from {date_from} is after --to {date_to}")
    if expires_at is not None and expires_at <= now:
        raise LegalHoldError(f"--expires {expires_at:%Y-%m-%d %H:%M} is in the past: give a future review date")
    notes = "\n".join(line for line in (f"case name: {case_name}" if case_name else "", f"reason: {reason}") if line)
    hold_id = f"LH-{now:%Y%m%d}-{uuid.uuid4().hex[:8]}"
    event = {
        "event_timestamp": now,
        "hold_id": hold_id,
        "case_reference": case_reference.strip(),
        "event_type": "placed",
        "status": "active",
        "scope_tables": _validated_tables(settings, tables),
        "scope_subjects": list(dict.fromkeys(s.strip() for s in subjects if s.strip())) or None,
        "date_from": date_from,
        "date_to": date_to,
        "placed_by": placed_by or getpass.getuser(),
        "placed_at": now,
        "reviewer": reviewer.strip(),
        "expires_at": expires_at,
        "notes": notes,
    }
    _keep(settings, event)
    _ship_and_confirm(settings, hold_id, "placed")
    return _hold_from_event(event, pending=False)


def release_hold(
    settings: Settings,
    hold_id: str,
    *,
    reviewer: str,
    reason: str,
    released_by: str | None = None,
    now: datetime | None = None,
) -> Hold:
    """Release an active hold; returns it once MySQL holds its `released` event."""
    now = now or _now()
    if not reason.strip() or not reviewer.strip():
        raise LegalHoldError("a release needs a reviewer and a reason")
    hold = load_holds(settings).get(hold_id)
    if hold is None:
        raise LegalHoldError(f"no legal hold {hold_id!r}: `genims compliance legal-hold list --status all` shows them")
    if not hold.active:
        raise LegalHoldError(f"hold {hold_id} is already {hold.status} (since {hold.last_event_at:%Y-%m-%d %H:%M})")
    if now <= hold.last_event_at:
        now = hold.last_event_at + timedelta(microseconds=1)  # events of a hold stay in time order
    event = {
        "event_timestamp": now,
        "hold_id": hold.hold_id,
        "case_reference": hold.case_reference,
        "event_type": "released",
        "status": "released",
        "scope_tables": list(hold.scope_tables),
        "scope_subjects": list(hold.scope_subjects) or None,
        "date_from": hold.date_from,
        "date_to": hold.date_to,
        "placed_by": hold.placed_by,
        "placed_at": hold.placed_at,
        "reviewer": reviewer.strip(),
        "reviewed_at": now,
        "expires_at": hold.expires_at,
        "released_by": released_by or getpass.getuser(),
        "released_at": now,
        "release_reason": reason.strip(),
        "notes": hold.notes,
    }
    _keep(settings, event)
    _ship_and_confirm(settings, hold_id, "released")
    return _hold_from_event(event, pending=False)


# -- commands -----------------------------------------------------------------------------------
def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def _day(_ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD", param=param) from None


def _moment(_ctx, param, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date or date-time: use YYYY-MM-DD[THH:MM]", param=param) from None
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def _describe(hold: Hold, now: datetime) -> str:
    status = hold.status + (f" (review overdue since {hold.expires_at:%Y-%m-%d})" if hold.overdue(now) else "")
    dates = f"{hold.date_from or '...'} to {hold.date_to or '...'}"
    tables = f"{len(hold.scope_tables)} table(s)"
    subjects = f", subjects {', '.join(hold.scope_subjects)}" if hold.scope_subjects else ""
    released = f", released {hold.released_at:%Y-%m-%d} by {hold.released_by}" if hold.released_at else ""
    return (
        f"{hold.hold_id}  {status:10}  case {hold.case_reference}  {tables}{subjects}  data {dates}  "
        f"placed {hold.placed_at:%Y-%m-%d} by {hold.placed_by}, reviewer {hold.reviewer}{released}"
    )


@click.group("legal-hold")
def legal_hold_group() -> None:
    """Legal holds: audit data they cover is never purged while they are active."""


@legal_hold_group.command("place")
@click.option("--case-id", "case_reference", required=True, help="Case or matter reference.")
@click.option("--case-name", help="Case name, kept in the hold's notes.")
@click.option("--reason", required=True, help="Why the data must be kept.")
@click.option("--reviewer", required=True, help="Who reviews the hold.")
@click.option("--table", "tables", multiple=True, help="Audit table covered (repeatable). Default: every audit table.")
@click.option("--subject", "subjects", multiple=True, help="Data subject or business key covered (repeatable).")
@click.option("--from", "date_from", callback=_day, help="First day of the data covered (YYYY-MM-DD). Default: open.")
@click.option("--to", "date_to", callback=_day, help="Last day of the data covered (YYYY-MM-DD). Default: open.")
@click.option("--expires", callback=_moment, help="Review date (UTC); the hold stays in force until released.")
@click.option("--placed-by", help="Who places the hold. Default: the current OS user.")
def place_command(
    case_reference, case_name, reason, reviewer, tables, subjects, date_from, date_to, expires, placed_by
):
    """Place a legal hold; returns once it is recorded in the audit database."""
    settings = _settings()
    try:
        hold = place_hold(
            settings, case_reference=case_reference, case_name=case_name, reason=reason, reviewer=reviewer,
            tables=tables, subjects=subjects, date_from=date_from, date_to=date_to, expires_at=expires,
            placed_by=placed_by,
        )  # fmt: skip
    except (LegalHoldError, ConnectionFailed) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"placed {hold.hold_id}: {len(hold.scope_tables)} table(s), in force")


@legal_hold_group.command("release")
@click.argument("hold_id")
@click.option("--reviewer", required=True, help="Who approved the release.")
@click.option("--reason", required=True, help="Why the hold ends.")
@click.option("--released-by", help="Who releases it. Default: the current OS user.")
def release_command(hold_id: str, reviewer: str, reason: str, released_by: str | None) -> None:
    """Release an active legal hold; its data becomes subject to retention again."""
    settings = _settings()
    try:
        hold = release_hold(settings, hold_id, reviewer=reviewer, reason=reason, released_by=released_by)
    except (LegalHoldError, ConnectionFailed) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"released {hold.hold_id}")


@legal_hold_group.command("list")
@click.option("--status", type=click.Choice(["active", "released", "all"]), default="all", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hold.")
def list_command(status: str, as_json: bool) -> None:
    """List holds from legal_hold_tracking; the latest event of each hold decides its status."""
    settings = _settings()
    try:
        holds = load_holds(settings, include_pending=False)
    except ConnectionFailed as error:
        raise click.ClickException(str(error)) from None
    now = _now()
    chosen = sorted((h for h in holds.values() if status == "all" or h.status == status), key=lambda h: h.hold_id)
    for hold in chosen:
        if as_json:
            data = {k: v for k, v in hold.__dict__.items() if k != "pending"}
            click.echo(json.dumps({**data, "overdue": hold.overdue(now)}, default=str, sort_keys=True))
        else:
            click.echo(_describe(hold, now))
    if not as_json:
        click.echo(f"{len(chosen)} hold(s)")
