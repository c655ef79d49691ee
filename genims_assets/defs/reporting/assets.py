"""The reporting assets: one per reporting table, built from its `ReportingTable` declaration."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from functools import cache

import dagster as dg

from genims_assets.audit.gdpr import apply_erasures, reporting_identity_tables
from genims_assets.defs.reporting import materialize as m
from genims_assets.defs.reporting.spec import DAILY, MONTHLY, ReportingTable, Window
from genims_assets.defs.sources.assets import source_asset_key
from genims_assets.mysql_load import LoadPolicy
from genims_assets.resources import source_resource_key
from genims_assets.settings import Settings
from genims_assets.sqlfiles import TableDef, parse_tables, read_sql

DRIFT_LIMIT_PCT = 5.0
CHECKS = ("row_count_drift", "reconciles_with_source", "measures_valid")
OWNERS = ["team:analytics-engineering"]
# Drives the UI's freshness status; the checks below make the same rule visible to alerting.
FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=1))


def reporting_key(name: str) -> dg.AssetKey:
    return dg.AssetKey(["reporting", name])


@cache  # every asset reads it when the code location loads (once per run worker and step process)
def reporting_tables_ddl() -> dict[str, TableDef]:
    return parse_tables(read_sql("mysql", "reporting_schema.sql"))


def partitions_for(spec: ReportingTable, start: date) -> dg.PartitionsDefinition | None:
    if spec.cadence == DAILY:
        return dg.DailyPartitionsDefinition(start_date=start.isoformat(), timezone="UTC", end_offset=1)
    if spec.cadence == MONTHLY:
        return dg.MonthlyPartitionsDefinition(start_date=start.replace(day=1).isoformat(), timezone="UTC", end_offset=1)
    return None


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def window_of(context: dg.AssetExecutionContext, spec: ReportingTable, settings: Settings) -> Window:
    now = datetime.now(UTC).replace(tzinfo=None)
    tariff = settings.energy_tariff_per_kwh
    if spec.partitioned:
        tw = context.partition_time_window
        return Window(_naive_utc(tw.start), _naive_utc(tw.end), now, tuple(context.partition_keys), tariff)
    return Window(datetime.combine(now.date(), datetime.min.time()), now, now, energy_tariff_per_kwh=tariff)


def partition_counts(spec: ReportingTable, frame, window: Window) -> dict[str, int]:
    """Rows per partition key of this run (every key of the window, 0 where nothing came out)."""
    counts = {key: 0 for key in window.partition_keys} if window.partition_keys else {"all": 0}
    if not window.partition_keys:
        counts["all"] = len(frame)
        return counts
    if len(frame):
        for value, n in frame.groupby(spec.date_column).size().items():
            counts[m._key(value)] = counts.get(m._key(value), 0) + int(n)
    return counts


def _previous_count(record, partition: str) -> int | None:
    metadata = record.asset_materialization.metadata
    per_partition = metadata.get("partition_row_counts")
    if per_partition is not None and partition in per_partition.value:
        return int(per_partition.value[partition])
    if "dagster/row_count" in metadata:
        return int(metadata["dagster/row_count"].value)
    return None


def previous_counts(context, key: dg.AssetKey, partitions: list[str]) -> dict[str, int | None]:
    """Row count of the previous materialisation of each partition (or of the table), if any.

    Two storage reads whatever the number of partitions (a backfill of a year is 365): the latest
    materialisation's storage id per partition, then those records.
    """
    if partitions == ["all"]:
        records = context.instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=key), limit=1).records
        return {"all": _previous_count(records[0], "all") if records else None}
    latest = context.instance.event_log_storage.get_latest_storage_id_by_partition(
        key, dg.DagsterEventType.ASSET_MATERIALIZATION, set(partitions)
    )
    ids = sorted({latest[p] for p in partitions if p in latest})
    records = (
        context.instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=key, storage_ids=ids), limit=len(ids)
        ).records
        if ids
        else []
    )
    by_id = {record.storage_id: record for record in records}
    return {
        p: _previous_count(by_id[latest[p]], p) if p in latest and latest[p] in by_id else None for p in partitions
    }


def drift_result(key: dg.AssetKey, current: dict[str, int], previous: dict[str, int | None]) -> dg.AssetCheckResult:
    worst_key, worst = None, 0.0
    compared = {}
    for partition, now in current.items():
        before = previous.get(partition)
        if before is None:
            continue
        drift = 0.0 if before == now else (100.0 if before == 0 else abs(now - before) / before * 100.0)
        compared[partition] = {"current": now, "previous": before, "drift_pct": round(drift, 3)}
        if drift >= worst:
            worst_key, worst = partition, drift
    passed = worst < DRIFT_LIMIT_PCT
    detail = compared.get(worst_key, {}) if worst_key else {}
    return dg.AssetCheckResult(
        asset_key=key,
        check_name="row_count_drift",
        passed=passed,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"Row count drift against the previous materialisation of the same partition is under "
        f"{DRIFT_LIMIT_PCT:g}%"
        if passed
        else f"Row count drift of {worst:.1f}% on {worst_key}",
        metadata={
            "current": dg.MetadataValue.int(detail.get("current", sum(current.values()))),
            "previous": dg.MetadataValue.int(detail["previous"])
            if "previous" in detail
            else dg.MetadataValue.text("none"),
            "drift_pct": dg.MetadataValue.float(round(worst, 3)),
            "partition": dg.MetadataValue.text(str(worst_key or "-")),
            "limit_pct": dg.MetadataValue.float(DRIFT_LIMIT_PCT),
            "compared": dg.MetadataValue.json(compared),
        },
    )


def reconciliation_result(key, spec: ReportingTable, source: dict[str, float], target: dict[str, float]):
    mismatches = {}
    for partition in sorted(set(source) | set(target)):
        s, t = source.get(partition, 0.0), target.get(partition, 0.0)
        if abs(s - t) > spec.control.tolerance + 1e-9 * max(abs(s), abs(t)):
            mismatches[partition] = {"source": s, "target": t, "difference": round(t - s, 4)}
    return dg.AssetCheckResult(
        asset_key=key,
        check_name="reconciles_with_source",
        passed=not mismatches,
        severity=dg.AssetCheckSeverity.ERROR,
        description=f"SUM({spec.control.column}) per partition equals the source's control total",
        metadata={
            "control_column": dg.MetadataValue.text(spec.control.column),
            "source_total": dg.MetadataValue.float(float(round(sum(source.values()), 4))),
            "target_total": dg.MetadataValue.float(float(round(sum(target.values()), 4))),
            "mismatches": dg.MetadataValue.json(mismatches),
        },
    )


def quality_result(key, quality: m.Quality) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=key,
        check_name="measures_valid",
        passed=quality.null_count == 0 and quality.out_of_range == 0,
        severity=dg.AssetCheckSeverity.ERROR,
        description="Key measures are not NULL, percentages lie in 0-100, quantities are not negative",
        metadata={
            "rows_checked": dg.MetadataValue.int(quality.rows),
            "null_count": dg.MetadataValue.int(quality.null_count),
            "out_of_range": dg.MetadataValue.int(quality.out_of_range),
            "score": dg.MetadataValue.float(quality.score),
            "problems": dg.MetadataValue.json(quality.problems),
        },
    )


def build_reporting_asset(spec: ReportingTable, settings: Settings, start: date) -> dg.AssetsDefinition:
    key = reporting_key(spec.name)
    table = reporting_tables_ddl()[spec.name]
    resource_keys = {"mysql_reporting", *(source_resource_key(s) for s in spec.resource_databases)}
    policy = LoadPolicy(settings.batch_size, settings.retry_count, settings.retry_delay_seconds)
    check_specs = [
        dg.AssetCheckSpec(name, asset=key)
        for name in CHECKS
        if name != "reconciles_with_source" or spec.control is not None
    ]
    partitions_def = partitions_for(spec, start)

    @dg.asset(
        key=key,
        group_name=spec.group,
        description=spec.description,
        deps=[source_asset_key(*source.split(".")) for source in spec.sources]
        + [reporting_key(name) for name in spec.reporting_deps],
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run() if partitions_def else None,
        kinds={"postgres", "mysql", "pandas"},
        owners=OWNERS,
        pool=f"reporting_{spec.name}",
        freshness_policy=FRESHNESS,
        required_resource_keys=resource_keys,
        check_specs=check_specs,
        metadata={
            "dagster/column_schema": dg.TableSchema(columns=[dg.TableColumn(c.name, c.type) for c in table.columns]),
            "dagster/table_name": f"{settings.reporting.database}.{spec.name}",
            "grain": f"{', '.join(table.primary_key)}",
            "cadence": spec.cadence,
        },
        tags={"layer": "reporting"},
    )
    def _asset(context):
        return materialize(context, spec, table, key, policy, settings)

    return _asset


# Reporting tables that hold a person's identifier (customer, contact, employee ...): erasures apply to them.
IDENTITY_TABLES = frozenset(t for tables in reporting_identity_tables().values() for t in tables)


def materialize(context, spec: ReportingTable, table: TableDef, key: dg.AssetKey, policy: LoadPolicy, limits: Settings):
    window = window_of(context, spec, limits)
    mysql = context.resources.mysql_reporting
    sources = {s: getattr(context.resources, source_resource_key(s)) for s in spec.resource_databases}
    database_names = [sources[s].database for s in spec.databases]
    keys = window.partition_keys
    partition = (keys[0] if len(keys) == 1 else f"{keys[0]}..{keys[-1]}") if keys else None
    started = datetime.now(UTC).replace(tzinfo=None)
    clock = time.perf_counter()
    extracted = transformed = skipped = 0
    result = None
    try:
        data = m.extract(spec, sources, window, limits.sync_timeout_seconds)
        extracted = data.rows
        output = spec.transform(data.frames, window)
        transformed = len(output)
        frame, skipped = m.conform(spec, table, output, started, limits.error_threshold_pct)
        if spec.name in IDENTITY_TABLES:  # people erased under GDPR keep their pseudonyms in every reload
            frame = apply_erasures(limits, spec.name, frame)
        result = m.load(spec, table, mysql, frame, window, policy)
    except Exception as error:
        m.write_sync_log(
            mysql,
            spec,
            databases=database_names,
            run_id=context.run.run_id,
            partition=partition,
            window=window,
            started=started,
            finished=datetime.now(UTC).replace(tzinfo=None),
            extracted=extracted,
            transformed=transformed,
            skipped=skipped,
            result=result,
            status="failed",
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        raise
    finished = datetime.now(UTC).replace(tzinfo=None)
    sync_id = m.write_sync_log(
        mysql,
        spec,
        databases=database_names,
        run_id=context.run.run_id,
        partition=partition,
        window=window,
        started=started,
        finished=finished,
        extracted=extracted,
        transformed=transformed,
        skipped=skipped,
        result=result,
        status="success",
        error=None,
    )
    quality, target_totals = m.scan_target(spec, mysql, window)
    m.write_quality(mysql, spec, quality, run_id=context.run.run_id, partition=partition, sync_id=sync_id)

    counts = partition_counts(spec, frame, window)
    checks = [drift_result(key, counts, previous_counts(context, key, list(counts))), quality_result(key, quality)]
    if spec.control is not None:
        checks.append(reconciliation_result(key, spec, m.source_totals(spec, sources, window), target_totals))
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": dg.MetadataValue.int(result.rows_loaded),
            "partition_row_counts": dg.MetadataValue.json(counts),
            "partitions": dg.MetadataValue.text(partition or "(unpartitioned)"),
            "window": dg.MetadataValue.text(f"{window.start:%Y-%m-%d %H:%M} to {window.end:%Y-%m-%d %H:%M} UTC"),
            "rows_extracted": dg.MetadataValue.int(extracted),
            "rows_skipped": dg.MetadataValue.int(skipped),
            "rows_replaced": dg.MetadataValue.int(result.rows_deleted),
            "load_method": dg.MetadataValue.text(result.method),
            "duration_seconds": dg.MetadataValue.float(round(time.perf_counter() - clock, 3)),
            "extract_seconds": dg.MetadataValue.float(round(data.seconds, 3)),
            "load_seconds": dg.MetadataValue.float(round(result.seconds, 3)),
            "etl_sync_id": dg.MetadataValue.int(sync_id),
        },
        check_results=checks,
    )


def freshness_checks(assets: list[dg.AssetsDefinition]) -> list[dg.AssetChecksDefinition]:
    """Freshness under one hour, as checks that sensors (and so alerting) can see."""
    return list(dg.build_last_update_freshness_checks(assets=assets, lower_bound_delta=timedelta(hours=1)))
