"""`genims audit verify`: is the audit store complete, gapless and unaltered?

Why it is built this way (contract: genims_assets/audit/README.md section 3):
- Per audit table, one streamed pass in sequence order (the primary key, so no
  sort) checks that sequences run without gaps from 1 (or from the end of an
  archived range: `archive_manifest.last_sequence/last_row_hash` anchor the
  chain after a purge), recomputes every `row_hash` from the row as MySQL
  returns it with the store's own canonical form (store.py), and names the first
  broken link with the expected and stored hash. JSON columns are hashed from
  the returned text first (what MariaDB returns is what the store wrote) and
  re-canonicalised only when that does not match (MySQL 8 reformats JSON).
- A chain rewritten consistently inside MySQL (rows, hashes and counters) passes
  that recomputation; the head kept outside MySQL (`genims_audit.chain_heads`
  in the Dagster database) catches it: the row at the external head's sequence
  must still carry the external hash. The counter row is checked too.
- Completeness: every event a source database's `genims_audit.change_queue`
  marks shipped must be in MySQL under (source_database, source_event_id), and
  every shipped outbox event in its target table (by outbox_event_id or the
  table's natural key). Sources without the genims_audit schema are skipped.
- The result is itself audited: integrity_verification_log (one row per table),
  audit_trail_completeness (per source table and day) and, on any failure, a
  security_events row go through the outbox and are shipped before returning.
"""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from hashlib import sha256

import click
import pymysql
import pymysql.cursors

from genims_assets.audit import outbox
from genims_assets.audit.outbox_ship import external_heads, ship_outbox
from genims_assets.audit.store import (
    SEQUENCE_MANAGER,
    ZERO_HASH,
    canonical_json_text,
    canonical_rows,
    from_database_column,
    prepare_rows,
    stored_keys,
    table_specs,
)
from genims_assets.audit.tables import audit_table, audit_tables
from genims_assets.connections import ConnectionFailed, mysql_connect, postgres_connect
from genims_assets.mysql_partitions import ident
from genims_assets.settings import Settings, SettingsError, load_settings

READ_CHUNK_ROWS = 10_000
MAX_LISTED = 100  # gaps listed per table or period
EVENT_KIND_TABLE = {
    "row": "system_audit_log",
    "bulk": "bulk_operation_audit",
    "truncate": "bulk_operation_audit",
    "ddl": "database_changes",
    "grant": "permission_changes",
}
RESULT_TABLES = ("integrity_verification_log", "audit_trail_completeness", "security_events")


@dataclass
class TableVerification:
    table: str
    rows_checked: int = 0
    sequence_from: int | None = None
    sequence_to: int | None = None
    gaps: list[tuple[int, int]] = field(default_factory=list)
    archived: list[tuple[int, int]] = field(default_factory=list)
    broken_links: int = 0
    first_broken_sequence: int | None = None
    expected_hash: str | None = None
    actual_hash: str | None = None
    chain_head_hash: str | None = None
    external_sequence: int | None = None
    external_hash: str | None = None
    head_matches_external: bool | None = None
    problems: list[str] = field(default_factory=list)
    error: bool = False
    seconds: float = 0.0

    @property
    def missing_sequences(self) -> int:
        return sum(b - a + 1 for a, b in self.gaps)

    @property
    def hash_chain_valid(self) -> bool:
        return self.broken_links == 0 and not self.error

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def result(self) -> str:
        return "error" if self.error else "pass" if self.ok else "fail"


@dataclass
class Completeness:
    source_database: str
    source_table: str
    audit_table: str
    day: date
    expected: list[int]
    received: list[int]

    @property
    def missing(self) -> list[tuple[int, int]]:
        return ranges(sorted(set(self.expected) - set(self.received)))

    @property
    def missing_count(self) -> int:
        return len(self.expected) - len(self.received)

    @property
    def status(self) -> str:
        return "complete" if not self.missing_count else "gaps"


@dataclass
class VerificationReport:
    verification_id: str
    since: date | None
    tables: list[TableVerification] = field(default_factory=list)
    completeness: list[Completeness] = field(default_factory=list)
    skipped_sources: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    recorded: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return (
            not self.errors
            and all(t.ok for t in self.tables)
            and all(c.status == "complete" for c in self.completeness)
        )


def ranges(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted integers as inclusive (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


# ---------------------------------------------------------------- one table


def _covered(first: int, last: int, archived: Sequence[tuple[int, int]]) -> bool:
    position = first
    for a, b in sorted(archived):
        if a <= position <= b:
            position = b + 1
        if position > last:
            return True
    return position > last


def verify_table(
    conn, table_name: str, since: date | None = None, external_head: tuple[int, str] | None = None
) -> TableVerification:
    """Check one audit table: gapless sequences, the recomputed hash chain, the counter and the external head.

    `conn` is a PyMySQL connection to the audit database (SELECT suffices). `since` limits the chain check
    to rows from the first sequence whose event timestamp is on or after that UTC day (anchored on the
    stored hash before it). Never raises for what it finds: the problems are listed in the result.
    """
    started = time.perf_counter()
    table = audit_table(table_name)
    specs = table_specs(table_name)
    seq, ts = ident(table.sequence_column), ident(table.timestamp_column)
    result = TableVerification(table_name, external_sequence=external_head and external_head[0])
    result.external_hash = external_head[1] if external_head else None
    with conn.cursor() as cur:
        cur.execute(
            f"SELECT last_sequence, last_row_hash FROM {ident(SEQUENCE_MANAGER)} WHERE table_name = %s", (table_name,)
        )
        counter = cur.fetchone()
        cur.execute(
            "SELECT first_sequence, last_sequence, last_row_hash FROM archive_manifest WHERE table_name = %s "
            "AND first_sequence IS NOT NULL AND last_sequence IS NOT NULL",
            (table_name,),
        )
        archives = [(int(a), int(b), h) for a, b, h in cur.fetchall()]
        archived = [(a, b) for a, b, _ in archives]
        anchors = {b: h for _, b, h in archives if h}
        start, previous = 1, ZERO_HASH
        if since is not None:
            cur.execute(f"SELECT MIN({seq}) FROM {ident(table_name)} WHERE {ts} >= %s", (since.isoformat(),))
            first = cur.fetchone()[0]
            start = int(first) if first is not None else None
            if start is not None and start > 1:
                cur.execute(f"SELECT row_hash FROM {ident(table_name)} WHERE {seq} = %s", (start - 1,))
                row = cur.fetchone()
                previous = row[0] if row else anchors.get(start - 1)
    stored_at_external = None
    if start is not None:
        stored_at_external = _check_chain(conn, result, specs, start, previous, archived, anchors)
    _check_heads(conn, result, counter, stored_at_external, archived, anchors)
    result.seconds = time.perf_counter() - started
    return result


def _check_chain(conn, result, specs, start, previous, archived, anchors) -> str | None:
    """Stream the rows from `start`; fills result; returns the stored hash at the external head's sequence."""
    table = result.table
    columns = ", ".join(ident(s.name) for s in specs)
    json_positions = [i for i, s in enumerate(specs) if s.kind == "json"]
    normalise_json = False
    expected = start
    stored_at_external = None
    cur = conn.cursor(pymysql.cursors.SSCursor)
    try:
        cur.execute(
            f"SELECT {columns}, row_hash FROM {ident(table)} WHERE {ident(specs[0].name)} >= %s "
            f"ORDER BY {ident(specs[0].name)}",
            (start,),
        )
        while rows := cur.fetchmany(READ_CHUNK_ROWS):
            *columns, stored = zip(*rows, strict=True)
            values = [from_database_column(spec, column) for spec, column in zip(specs, columns, strict=True)]
            texts = None if normalise_json else canonical_rows(specs, values)
            for i, sequence in enumerate(values[0]):
                if sequence != expected:
                    if sequence < expected:
                        result.problems.append(f"sequence {sequence} appears again after {expected - 1}")
                    elif _covered(expected, sequence - 1, archived):
                        result.archived.append((expected, sequence - 1))
                        previous = anchors.get(sequence - 1)  # None: this link cannot be checked (purged)
                    else:
                        result.gaps.append((expected, sequence - 1))
                if previous is not None:
                    text = texts[i] if texts is not None else None
                    computed = _hash(previous, text) if text is not None else None
                    if computed != stored[i] and json_positions:
                        row = [column[i] for column in values]
                        for p in json_positions:
                            row[p] = None if row[p] is None else canonical_json_text(row[p])
                        computed = _hash(previous, canonical_rows(specs, [[v] for v in row])[0])
                        if computed == stored[i] and not normalise_json:
                            normalise_json = True  # this server reformats JSON: skip the first try from now on
                            texts = None
                    if computed != stored[i]:
                        result.broken_links += 1
                        if result.first_broken_sequence is None:
                            result.first_broken_sequence, result.expected_hash = sequence, computed
                            result.actual_hash = stored[i]
                if sequence == result.external_sequence:
                    stored_at_external = stored[i]
                previous = stored[i]
                expected = sequence + 1
                result.rows_checked += 1
                result.sequence_from = result.sequence_from or sequence
                result.sequence_to = sequence
                result.chain_head_hash = stored[i]
    finally:
        cur.close()
    if result.gaps:
        first = result.gaps[0]
        result.problems.append(
            f"{result.missing_sequences} sequence number(s) missing, first {first[0]}..{first[1]} (rows deleted)"
        )
    if result.broken_links:
        result.problems.append(
            f"hash chain broken at sequence {result.first_broken_sequence}: expected {result.expected_hash}, "
            f"stored {result.actual_hash} ({result.broken_links} broken link(s)); the row was altered"
        )
    return stored_at_external


def _hash(previous: str, text: str) -> str:
    return sha256((previous + text).encode("utf-8")).hexdigest()


def _check_heads(conn, result, counter, stored_at_external, archived, anchors) -> None:
    table = audit_table(result.table)
    seq = ident(table.sequence_column)
    last_seen = result.sequence_to
    with conn.cursor() as cur:
        if last_seen is None:
            cur.execute(f"SELECT MAX({seq}) FROM {ident(result.table)}")
            found = cur.fetchone()[0]
            last_seen = int(found) if found is not None else 0
        if counter is None:
            if last_seen:
                result.problems.append(f"{SEQUENCE_MANAGER} has no counter row for this table")
        else:
            counter_sequence, counter_hash = int(counter[0]), counter[1]
            if counter_sequence > last_seen and not _covered(last_seen + 1, counter_sequence, archived):
                result.gaps.append((last_seen + 1, counter_sequence))
                result.problems.append(
                    f"the counter says {counter_sequence} but the last row is {last_seen}: rows "
                    f"{last_seen + 1}..{counter_sequence} were deleted"
                )
            elif counter_sequence < last_seen:
                result.problems.append(
                    f"rows up to sequence {last_seen} exist but the counter says {counter_sequence}: rows were "
                    "written outside the audit store"
                )
            elif counter_sequence == last_seen and result.chain_head_hash and counter_hash != result.chain_head_hash:
                result.problems.append(f"the counter's head hash differs from the row_hash of sequence {last_seen}")
        external = result.external_sequence
        if external:
            if stored_at_external is None:
                cur.execute(f"SELECT row_hash FROM {ident(result.table)} WHERE {seq} = %s", (external,))
                row = cur.fetchone()
                stored_at_external = row[0] if row else anchors.get(external)
            result.head_matches_external = stored_at_external == result.external_hash
            if stored_at_external is None:
                result.problems.append(
                    f"the chain head kept outside MySQL is sequence {external}, which MySQL no longer has: "
                    "rows were removed"
                )
            elif not result.head_matches_external:
                result.problems.append(
                    f"chain rewritten: row {external} has row_hash {stored_at_external} in MySQL but "
                    f"{result.external_hash} in the head kept outside MySQL"
                )


# ---------------------------------------------------------------- completeness


def _present(conn, table: str, column: str, low: int, high: int, source_database: str | None = None) -> set[int]:
    where = f"{ident(column)} BETWEEN %s AND %s"
    params: list = [low, high]
    if source_database is not None:
        where = f"source_database = %s AND {where}"
        params.insert(0, source_database)
    with conn.cursor() as cur:
        cur.execute(f"SELECT {ident(column)} FROM {ident(table)} WHERE {where}", params)
        return {int(r[0]) for r in cur.fetchall()}


def _day(value: datetime) -> date:
    return (value.astimezone(UTC) if value.tzinfo else value).date()


def source_completeness(
    settings: Settings, conn, since: date | None, tables: Collection[str], report: VerificationReport
) -> None:
    """Shipped events of every source queue against MySQL (fills report.completeness / skipped / errors)."""
    for database in settings.postgres.databases.values():
        try:
            pg = postgres_connect(settings.postgres, database)
        except ConnectionFailed as error:
            if "does not exist" in str(error):
                report.skipped_sources.append(f"{database}: no such database")
            else:
                report.errors.append(str(error))
            continue
        try:
            with pg, pg.cursor() as cur:
                cur.execute("SELECT to_regclass('genims_audit.change_queue')")
                if cur.fetchone()[0] is None:
                    report.skipped_sources.append(f"{database}: no genims_audit schema (capture not installed)")
                    continue
                query = (
                    "SELECT event_id, event_kind, coalesce(table_name, ''), event_time FROM genims_audit.change_queue "
                    "WHERE shipped_at IS NOT NULL"
                )
                if since:
                    query += " AND event_time >= %s"
                cur.execute(query + " ORDER BY event_id", (_utc(since),) if since else None)
                events = cur.fetchall()
        finally:
            pg.close()
        by_target: dict[str, list[tuple]] = defaultdict(list)
        for event_id, kind, source_table, when in events:
            target = EVENT_KIND_TABLE.get(kind)
            if target is None:
                report.errors.append(f"{database}: queue event {event_id} has unknown kind {kind!r}")
            elif target in tables:
                by_target[target].append((int(event_id), source_table or "change_queue", _day(when)))
        for target, items in sorted(by_target.items()):
            ids = [i for i, _, _ in items]
            present = _present(conn, target, "source_event_id", min(ids), max(ids), database)
            missing = [i for i in ids if i not in present]
            if missing and target != "system_audit_log":
                # A malformed event of any kind is kept in system_audit_log (status 'malformed'), see classify.py.
                kept = _present(conn, "system_audit_log", "source_event_id", min(missing), max(missing), database)
                present |= {i for i in missing if i in kept}
            groups: dict[tuple[str, date], list[int]] = defaultdict(list)
            for event_id, source_table, day in items:
                groups[(source_table, day)].append(event_id)
            for (source_table, day), expected in sorted(groups.items()):
                received = [i for i in expected if i in present]
                report.completeness.append(Completeness(database, source_table, target, day, expected, received))


def outbox_completeness(
    settings: Settings, conn, since: date | None, tables: Collection[str], report: VerificationReport
) -> None:
    """Shipped platform outbox events against their target tables."""
    outbox.ensure_outbox(settings)
    pg = postgres_connect(settings.postgres, settings.dagster_database)
    try:
        with pg, pg.cursor() as cur:
            query = (
                "SELECT event_id, target_table, event_time, payload FROM genims_audit.platform_outbox "
                "WHERE shipped_at IS NOT NULL AND target_table = ANY(%s::text[])"
            )
            params: list = [sorted(tables)]
            if since:
                query += " AND event_time >= %s"
                params.append(_utc(since))
            cur.execute(query + " ORDER BY event_id", params)
            events = cur.fetchall()
    finally:
        pg.close()
    by_target: dict[str, list[tuple]] = defaultdict(list)
    for event_id, target, when, payload in events:
        by_target[target].append((int(event_id), _day(when), payload))
    for target, items in sorted(by_target.items()):
        table = audit_table(target)
        if "outbox_event_id" in table.payload_columns:
            ids = [i for i, _, _ in items]
            present = _present(conn, target, "outbox_event_id", min(ids), max(ids))
        else:
            present = _present_by_natural_key(conn, target, items)
        groups: dict[date, list[int]] = defaultdict(list)
        for event_id, day, _ in items:
            groups[day].append(event_id)
        for day, expected in sorted(groups.items()):
            received = [i for i in expected if i in present]
            report.completeness.append(
                Completeness(settings.dagster_database, "platform_outbox", target, day, expected, received)
            )


def _present_by_natural_key(conn, target: str, items: list[tuple]) -> set[int]:
    prepared = prepare_rows(target, [dict(payload) for _, _, payload in items], complete=False)
    names = [s.name for s in prepared.specs[1:]]
    key_columns = [prepared.columns[names.index(c)] for c in audit_table(target).unique_key or ()]
    keys = list(zip(*key_columns, strict=True))
    with conn.cursor() as cur:
        found = stored_keys(cur, prepared, keys)
    return {event_id for (event_id, _, _), key in zip(items, keys, strict=True) if key in found}


# ---------------------------------------------------------------- the whole store


def verify_audit(
    settings: Settings,
    since: date | None = None,
    tables: Collection[str] | None = None,
    *,
    record: bool = True,
    run_id: str | None = None,
) -> VerificationReport:
    """Verify every (or the named) audit table and the completeness of shipped events; record the result.

    With record=True (the default) the result is written to integrity_verification_log,
    audit_trail_completeness and, on failure, security_events (outbox, then shipped at once).
    """
    names = sorted(tables) if tables else sorted(audit_tables())
    for name in names:
        audit_table(name)
    started = time.perf_counter()
    report = VerificationReport(uuid.uuid4().hex, since)
    try:
        heads = external_heads(settings)
    except ConnectionFailed as error:
        report.errors.append(f"the chain heads kept outside MySQL could not be read: {error}")
        heads = {}
    conn = mysql_connect(settings.audit)
    try:
        for name in names:
            try:
                report.tables.append(verify_table(conn, name, since, heads.get(name)))
            except pymysql.err.MySQLError as error:
                failed = TableVerification(name, error=True)
                failed.problems.append(f"could not be read: {error.args[-1] if error.args else error}")
                report.tables.append(failed)
        source_completeness(settings, conn, since, set(names), report)
        outbox_completeness(settings, conn, since, set(names), report)
    finally:
        conn.close()
    report.seconds = time.perf_counter() - started
    if record:
        _record(settings, report, run_id)
    return report


def _utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def result_rows(settings: Settings, report: VerificationReport, run_id: str | None) -> dict[str, list[dict]]:
    """The verification as audit rows: integrity_verification_log, audit_trail_completeness, security_events."""
    now = datetime.now(UTC)
    verifications, completeness, security = [], [], []
    for t in report.tables:
        details = dict(
            since=report.since and report.since.isoformat(),
            external_sequence=t.external_sequence,
            archived_ranges=[list(a) for a in t.archived[:MAX_LISTED]],
            problems=t.problems,
        )
        verifications.append(
            dict(verification_timestamp=now, verification_id=report.verification_id, table_name=t.table,
                 sequence_from=t.sequence_from, sequence_to=t.sequence_to, rows_checked=t.rows_checked,
                 sequence_gaps=min(t.missing_sequences, 2**31 - 1), gaps=[list(g) for g in t.gaps[:MAX_LISTED]] or None,
                 hash_chain_valid=t.hash_chain_valid, first_broken_sequence=t.first_broken_sequence,
                 expected_hash=t.expected_hash, actual_hash=t.actual_hash, chain_head_hash=t.chain_head_hash,
                 external_head_hash=t.external_hash, head_matches_external=t.head_matches_external, result=t.result,
                 duration_seconds=round(t.seconds, 3), verified_by=settings.audit.user, run_id=run_id, details=details)
        )  # fmt: skip
        if not t.ok:
            event_type = "hash_chain_broken" if t.broken_links else "sequence_gap" if t.gaps else "tamper_evidence"
            security.append(
                _security_row(settings, now, event_type, "critical", t.table, t.first_broken_sequence, t.problems)
            )
            if t.first_broken_sequence is None and t.gaps:
                security[-1]["related_sequence"] = t.gaps[0][0]
    missing_by_table: dict[str, int] = defaultdict(int)
    for c in report.completeness:
        missing = c.missing
        completeness.append(
            dict(check_timestamp=now, source_database=c.source_database, source_table=c.source_table[:64],
                 audit_table=c.audit_table, period_start=_utc(c.day), period_end=_utc(c.day + timedelta(days=1)),
                 expected_sequence_from=min(c.expected), expected_sequence_to=max(c.expected),
                 expected_count=len(c.expected), received_sequence_from=min(c.received, default=None),
                 received_sequence_to=max(c.received, default=None), received_count=len(c.received),
                 missing_count=c.missing_count, gap_count=len(missing),
                 gaps=[list(g) for g in missing[:MAX_LISTED]] or None, status=c.status, run_id=run_id)
        )  # fmt: skip
        missing_by_table[c.audit_table] += c.missing_count
    for table, missing in sorted(missing_by_table.items()):
        if missing:
            text = f"{missing} shipped source event(s) are not in {table} (see audit_trail_completeness)"
            security.append(_security_row(settings, now, "audit_events_missing", "high", table, None, [text]))
    if report.errors:
        security.append(_security_row(settings, now, "integrity_check_failed", "high", None, None, report.errors))
    for row in security:
        row["details"]["verification_id"] = report.verification_id
    return {
        "integrity_verification_log": verifications,
        "audit_trail_completeness": completeness,
        "security_events": security,
    }


def _security_row(settings, now, event_type, severity, table, sequence, problems) -> dict:
    return dict(event_timestamp=now, event_type=event_type, severity=severity, source_component="verifier",
                database_name=settings.audit.database, table_name=table, related_sequence=sequence,
                user_id=settings.audit.user, status="open", detected_by="genims audit verify",
                description="; ".join(problems)[:4000], details={"problems": problems[:MAX_LISTED]})  # fmt: skip


def _record(settings: Settings, report: VerificationReport, run_id: str | None) -> None:
    rows = result_rows(settings, report, run_id)
    outbox.ensure_outbox(settings)
    pg = postgres_connect(settings.postgres, settings.dagster_database)
    try:
        with pg, pg.cursor() as cur:
            for table, table_rows in rows.items():
                ids = outbox.record(settings, table, table_rows, producer="audit_verifier", cursor=cur)
                report.recorded[table] = len(ids)
    finally:
        pg.close()
    ship_outbox(settings, tables=[t for t in RESULT_TABLES if rows.get(t)], writer="audit_verifier")


# ---------------------------------------------------------------- the command


def _table_line(t: TableVerification) -> str:
    span = f"rows {t.sequence_from}..{t.sequence_to}" if t.rows_checked else "no rows"
    if t.ok:
        head = "" if t.head_matches_external is None else ", external head matches"
        return f"  ok    {t.table:<28} {span} ({t.rows_checked} checked), chain intact{head}"
    return f"  FAIL  {t.table:<28} {span}: " + "; ".join(t.problems)


@click.command("verify")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Check the chain from the first row of this UTC day (YYYY-MM-DD) on; default: from the first row.",
)
@click.option("--table", "tables", multiple=True, help="Audit table to verify (repeatable); default: all 29.")
def verify_command(since: datetime | None, tables: tuple[str, ...]) -> None:
    """Verify the audit store: gapless sequences, the hash chain, the external chain head, completeness.

    Records the result in integrity_verification_log and audit_trail_completeness (and security_events on
    failure). Exits non-zero when anything fails, naming the first broken row of each table.
    """
    try:
        settings = load_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None
    known = audit_tables()
    for name in tables:
        if name not in known:
            raise click.BadParameter(
                f"{name!r} is not an audit table; known: {', '.join(sorted(known))}", param_hint="--table"
            )
    try:
        report = verify_audit(settings, since.date() if since else None, tables or None)
    except ConnectionFailed as error:
        raise click.ClickException(str(error)) from None
    scope = f" since {report.since}" if report.since else ""
    click.echo(f"verify {len(report.tables)} audit tables of {settings.audit.database}{scope} ({report.seconds:.1f}s)")
    for t in report.tables:
        click.echo(_table_line(t))
    gaps = [c for c in report.completeness if c.status != "complete"]
    click.echo(
        f"completeness: {len(report.completeness) - len(gaps)} source table-days complete, {len(gaps)} with gaps"
    )
    for c in gaps[:MAX_LISTED]:
        first = c.missing[0]
        click.echo(
            f"  GAPS  {c.source_database}.{c.source_table} {c.day} -> {c.audit_table}: {c.missing_count} missing, "
            f"first event {first[0]}..{first[1]}"
        )
    for line in report.skipped_sources:
        click.echo(f"  skipped {line}")
    for line in report.errors:
        click.echo(f"  ERROR {line}", err=True)
    click.echo(f"recorded as verification {report.verification_id}")
    if not report.ok:
        failed = sum(not t.ok for t in report.tables)
        click.echo(
            f"verify: FAILED ({failed} table(s), {len(gaps)} incomplete period(s), {len(report.errors)} error(s))",
            err=True,
        )
        raise SystemExit(1)
    click.echo("verify: the audit store is complete and unaltered")
