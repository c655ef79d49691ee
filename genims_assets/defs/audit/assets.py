"""The 30 audit tables as Dagster assets: daily partitions (UTC), one run ships a day of every feed.

Why it is built this way:
- An asset per audit table (group `audit`, key `audit/<table>`), partitioned by
  the UTC day of its event timestamp, from the first day of the year the
  7-year retention (BACKUP_AUDIT_RETENTION_DAYS) reaches back to: about 2,900
  partitions, and a start that moves once a year, not every day.
- The change-fed tables are ONE multi-asset (`audit_change_feed`): one event
  feeds several tables (a price update: system_audit_log, data_change_audit,
  financial and price_cost_changes), so a partition run ships that day's
  pending events of every source database through `ship.ship_changes` and
  reports one materialisation per table (rows inserted, duplicates, sequence
  range). audit_etl_sync_log belongs to it: the shipper writes its rows.
- The platform-fed tables are a second, subsettable multi-asset
  (`audit_platform_records`): materialising one ships that day's outbox rows
  of its tables (`outbox_ship.ship_outbox(tables, day)`); their producers
  (job-run sensor, backups, verifier, compliance commands, control checks,
  reads and exports) only ever write the outbox.
- audit_sequence_manager is the counter table behind the other 29: not
  partitioned, never written by Dagster directly (the store moves a counter in
  every write transaction). Its asset materialises a snapshot of the counters
  and chain heads as metadata, and every shipping run reports one too, so its
  history is the history of the chain heads; its check compares the counters
  with the tables and with the heads kept outside MySQL.
- Checks (`sequence_gapless_and_chain_intact`, severity ERROR) run in the same
  run with the store's verifier (`verify.verify_table`) from the partition's
  day to the end of the table, anchored on the stored hash before it: a run
  that shipped a day proves what it wrote and everything after it.
- Errors of one source database do not hold back the others: what could ship
  is materialised, then the step fails naming the database; its events stay
  pending, the step retries DATA_SYNC_RETRY_COUNT times DATA_SYNC_RETRY_DELAY
  apart (a replay ships nothing twice), and the sensor asks again as soon as
  new events arrive.
"""

import re
from datetime import UTC, date, datetime, timedelta
from functools import cache

import dagster as dg

from genims_assets.audit.tables import SEQUENCE_MANAGER, audit_tables
from genims_assets.settings import Settings
from genims_assets.sqlfiles import read_sql

OWNERS = ["team:compliance"]
GROUP = "audit"
CHECK = "sequence_gapless_and_chain_intact"
MANAGER_CHECK = "counters_match_tables_and_external_heads"
CHANGE_FED = (
    "system_audit_log",
    "data_change_audit",
    "bulk_operation_audit",
    "financial_data_changes",
    "master_data_changes",
    "price_cost_changes",
    "customer_data_changes",
    "personnel_data_changes",
    "supplier_data_changes",
    "configuration_changes",
    "permission_changes",
    "database_changes",
    "login_audit",
    "audit_etl_sync_log",
)
"""Audit tables the change-queue shipper writes (classify.py decides which event feeds which)."""


def platform_fed() -> tuple[str, ...]:
    """Every other audit table: written only through the platform outbox."""
    return tuple(sorted(set(audit_tables()) - set(CHANGE_FED)))


def audit_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["audit", table])


def first_day(settings: Settings, today: date | None = None) -> date:
    """January 1st of the year the audit retention reaches back to."""
    today = today or datetime.now(UTC).date()
    return (today - timedelta(days=settings.backup_audit_retention_days)).replace(month=1, day=1)


def audit_partitions(settings: Settings) -> dg.DailyPartitionsDefinition:
    # end_offset=1: today's partition exists while today's events arrive.
    return dg.DailyPartitionsDefinition(start_date=first_day(settings).isoformat(), timezone="UTC", end_offset=1)


def _spec(settings: Settings, table: str, fed_by: str) -> dg.AssetSpec:
    definition = audit_tables()[table]
    comment = _table_comments().get(table, "")
    return dg.AssetSpec(
        audit_key(table),
        group_name=GROUP,
        description=f"{comment}\n\nFed by {fed_by}. Partitioned by the UTC day of `{definition.timestamp_column}`.",
        kinds={"mysql", "postgres"},
        owners=OWNERS,
        tags={"layer": "audit"},
        metadata={
            "dagster/table_name": f"{settings.audit.database}.{table}",
            "dagster/column_schema": dg.TableSchema(
                columns=[dg.TableColumn(c.name, c.type) for c in definition.definition.columns]
            ),
            "sequence_column": definition.sequence_column,
            "idempotency_key": ", ".join(definition.unique_key or ()),
        },
    )


@cache
def _table_comments() -> dict[str, str]:
    """The table COMMENT of each audit table (what it holds), for the asset descriptions."""
    text = read_sql("mysql", "audit_schema.sql")
    found = re.findall(r"CREATE TABLE IF NOT EXISTS (\w+) \(.*?\) ENGINE=.*? COMMENT='([^']*)'", text, re.S)
    return dict(found)


def _writes_metadata(write) -> dict[str, dg.MetadataValue]:
    return {
        "rows_inserted": dg.MetadataValue.int(write.inserted if write else 0),
        "duplicates": dg.MetadataValue.int(write.duplicates if write else 0),
        "sequence_from": dg.MetadataValue.int(write.sequence_from) if write and write.sequence_from else None,
        "sequence_to": dg.MetadataValue.int(write.sequence_to) if write and write.sequence_to else None,
        "chain_head_sequence": dg.MetadataValue.int(write.last_sequence) if write else None,
        "chain_head_hash": dg.MetadataValue.text(write.last_row_hash) if write else None,
        "load_method": dg.MetadataValue.text(write.method if write else "none"),
    }


def _clean(metadata: dict) -> dict:
    return {k: v for k, v in metadata.items() if v is not None}


def check_results(settings: Settings, tables, day: date | None) -> list[dg.AssetCheckResult]:
    """The verifier's verdict on each table from `day` on: gapless sequences, intact chain, counter, external head."""
    from genims_assets.audit.outbox_ship import external_heads
    from genims_assets.audit.store import connect_store
    from genims_assets.audit.verify import verify_table

    heads = external_heads(settings)
    conn = connect_store(settings)
    results = []
    try:
        for table in tables:
            found = verify_table(conn, table, since=day, external_head=heads.get(table))
            results.append(
                dg.AssetCheckResult(
                    asset_key=audit_key(table),
                    check_name=CHECK,
                    passed=found.ok,
                    severity=dg.AssetCheckSeverity.ERROR,
                    description="Sequences gapless and every row_hash recomputed"
                    + (f" from {day}" if day else "")
                    + ("" if found.ok else f": {found.problems[0]}"),
                    metadata=_clean(
                        {
                            "rows_checked": dg.MetadataValue.int(found.rows_checked),
                            "sequence_from": dg.MetadataValue.int(found.sequence_from) if found.sequence_from else None,
                            "sequence_to": dg.MetadataValue.int(found.sequence_to) if found.sequence_to else None,
                            "missing_sequences": dg.MetadataValue.int(found.missing_sequences),
                            "first_broken_sequence": dg.MetadataValue.int(found.first_broken_sequence)
                            if found.first_broken_sequence
                            else None,
                            "head_matches_external": dg.MetadataValue.bool(bool(found.head_matches_external))
                            if found.head_matches_external is not None
                            else None,
                            "problems": dg.MetadataValue.json(found.problems[:20]),
                        }
                    ),
                )
            )
    finally:
        conn.close()
    return results


def sequence_counters(settings: Settings) -> dict[str, dict]:
    """The audit_sequence_manager rows: last sequence, chain head and last event time per table."""
    from genims_assets.audit.store import connect_store

    conn = connect_store(settings)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT table_name, last_sequence, last_row_hash, last_event_timestamp FROM audit_sequence_manager"
            )
            rows = cur.fetchall()
        conn.rollback()
    finally:
        conn.close()
    return {
        t: {"last_sequence": int(s), "last_row_hash": h, "last_event_timestamp": ts and ts.isoformat()}
        for t, s, h, ts in rows
    }


def counters_event(settings: Settings, description: str) -> dg.AssetMaterialization:
    counters = sequence_counters(settings)
    return dg.AssetMaterialization(
        asset_key=audit_key(SEQUENCE_MANAGER),
        description=description,
        metadata={
            "counters": dg.MetadataValue.json(counters),
            "rows_counted": dg.MetadataValue.int(sum(c["last_sequence"] for c in counters.values())),
        },
    )


def _retries(settings: Settings) -> dg.RetryPolicy:
    """DATA_SYNC_RETRY_COUNT / DATA_SYNC_RETRY_DELAY: a replay ships nothing twice, so retrying is safe."""
    return dg.RetryPolicy(max_retries=settings.retry_count, delay=settings.retry_delay_seconds)


def build_change_feed(settings: Settings, partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.multi_asset(
        name="audit_change_feed",
        specs=[_spec(settings, t, "the change queues of the source databases (audit_change_feed)") for t in CHANGE_FED],
        check_specs=[dg.AssetCheckSpec(CHECK, asset=audit_key(t)) for t in CHANGE_FED],
        partitions_def=partitions,
        can_subset=False,
        op_tags={"genims/feed": "change_queues"},
        retry_policy=_retries(settings),
    )
    def audit_change_feed(context):
        """Ship the day's pending events of every source database's change queue (all change-fed tables at once)."""
        from genims_assets.audit.ship import pending_by_day, ship_changes, workers_for

        day = date.fromisoformat(context.partition_key)
        polled = pending_by_day(settings, with_outbox=False)
        backlog = sum(d.events for days in polled.values() if isinstance(days, list) for d in days if d.day == day)
        workers = workers_for(backlog, settings.batch_size)
        report = ship_changes(settings, day=day, run_id=context.run.run_id, workers=workers)
        writes = report.tables
        for shipment in report.databases.values():
            if shipment.events_shipped or shipment.error:
                context.log.info(
                    f"{shipment.database}: {shipment.events_shipped} events in {shipment.batches} batches"
                    + (f"; FAILED: {shipment.error}" if shipment.error else "")
                )
        for problem in report.malformed:
            context.log.warning(f"malformed event kept as status malformed, security event raised: {problem}")
        context.log_event(counters_event(settings, f"after audit_change_feed {day}"))
        for table in CHANGE_FED:
            metadata = _writes_metadata(writes.get(table))
            if table == "system_audit_log":
                metadata["events_shipped"] = dg.MetadataValue.int(report.events_shipped)
                metadata["events_per_database"] = dg.MetadataValue.json(
                    {d.database: d.events_shipped for d in report.databases.values() if d.events_shipped}
                )
                metadata["malformed_events"] = dg.MetadataValue.int(len(report.malformed))
                metadata["shipper_processes"] = dg.MetadataValue.int(workers)
            yield dg.MaterializeResult(asset_key=audit_key(table), metadata=_clean(metadata))
        yield from check_results(settings, CHANGE_FED, day)
        if report.errors:
            raise dg.Failure(
                description="Some source databases could not be shipped (their events stay pending): "
                + "; ".join(report.errors)
            )

    return audit_change_feed


def build_platform_records(settings: Settings, partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    tables = platform_fed()

    @dg.multi_asset(
        name="audit_platform_records",
        specs=[_spec(settings, t, "the platform outbox (audit_platform_records)") for t in tables],
        check_specs=[dg.AssetCheckSpec(CHECK, asset=audit_key(t)) for t in tables],
        partitions_def=partitions,
        can_subset=True,
        op_tags={"genims/feed": "platform_outbox"},
        retry_policy=_retries(settings),
    )
    def audit_platform_records(context):
        """Ship the day's platform outbox rows of the selected tables."""
        from genims_assets.audit.outbox_ship import ship_outbox

        day = date.fromisoformat(context.partition_key)
        selected = sorted(key.path[-1] for key in context.selected_asset_keys)
        shipment = ship_outbox(settings, tables=selected, day=day)
        context.log.info(f"platform outbox {day}: {shipment.events_shipped} events in {shipment.batches} batches")
        if shipment.events_shipped:
            context.log_event(counters_event(settings, f"after audit_platform_records {day}"))
        for table in selected:
            yield dg.MaterializeResult(
                asset_key=audit_key(table), metadata=_clean(_writes_metadata(shipment.tables.get(table)))
            )
        checked = {key.asset_key.path[-1] for key in context.selected_asset_check_keys}
        yield from check_results(settings, [t for t in selected if t in checked], day)
        if shipment.rejected:
            raise dg.Failure(
                description=f"{len(shipment.rejected)} outbox record(s) do not fit their table and stay pending: "
                + "; ".join(f"{i}: {why}" for i, why in sorted(shipment.rejected.items())[:10])
            )

    return audit_platform_records


def build_sequence_manager(settings: Settings) -> dg.AssetsDefinition:
    @dg.asset(
        key=audit_key(SEQUENCE_MANAGER),
        group_name=GROUP,
        description="The sequence counter and hash-chain head behind every audit table (never reused), moved by the "
        "store in each write transaction. Materialising it records a snapshot of the counters; every shipping run "
        "records one too.",
        kinds={"mysql"},
        owners=OWNERS,
        tags={"layer": "audit"},
        metadata={"dagster/table_name": f"{settings.audit.database}.{SEQUENCE_MANAGER}"},
        check_specs=[dg.AssetCheckSpec(MANAGER_CHECK, asset=audit_key(SEQUENCE_MANAGER))],
    )
    def audit_sequence_manager():
        """Snapshot the counters, and check them against the tables' last rows and the external heads."""
        event = counters_event(settings, "snapshot")
        problems = counter_problems(settings, event.metadata["counters"].value)
        return dg.MaterializeResult(
            metadata=event.metadata,
            check_results=[
                dg.AssetCheckResult(
                    check_name=MANAGER_CHECK,
                    passed=not problems,
                    severity=dg.AssetCheckSeverity.ERROR,
                    description="Each counter names its table's last sequence and row_hash, and no head kept outside "
                    "MySQL is ahead of it" + ("" if not problems else f": {problems[0]}"),
                    metadata={"problems": dg.MetadataValue.json(problems[:50])},
                )
            ],
        )

    return audit_sequence_manager


def counter_problems(settings: Settings, counters: dict[str, dict]) -> list[str]:
    """Counters that disagree with their table's last row, or that are behind the chain head kept outside."""
    from genims_assets.audit.outbox_ship import external_heads
    from genims_assets.audit.store import connect_store
    from genims_assets.mysql_partitions import ident

    problems = []
    heads = external_heads(settings)
    conn = connect_store(settings)
    try:
        with conn.cursor() as cur:
            for name, table in sorted(audit_tables().items()):
                counter = counters.get(name)
                if counter is None:
                    problems.append(f"{name}: no counter row in {SEQUENCE_MANAGER}")
                    continue
                seq = ident(table.sequence_column)
                cur.execute(f"SELECT {seq}, row_hash FROM {ident(name)} ORDER BY {seq} DESC LIMIT 1")
                last = cur.fetchone() or (0, None)
                if int(last[0]) != counter["last_sequence"] or (last[1] and last[1] != counter["last_row_hash"]):
                    problems.append(
                        f"{name}: counter says {counter['last_sequence']}, the table ends at {int(last[0])}"
                        + (" with another row_hash" if int(last[0]) == counter["last_sequence"] else "")
                    )
                external = heads.get(name)
                if external and external[0] > counter["last_sequence"]:
                    problems.append(f"{name}: the head kept outside MySQL is at {external[0]}, ahead of the counter")
        conn.rollback()
    finally:
        conn.close()
    return problems
