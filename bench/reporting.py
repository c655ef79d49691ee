"""Benchmark the reporting layer, in one run, on a platform built at --scale (default 10, >= 1M source rows):

1. bare cost: every table's source aggregation queries alone, plus a bulk load (LOAD DATA LOCAL INFILE)
   of the rows they give, into a scratch copy of the table;
2. full refresh of all 35 assets (every partition of the data window, one single-run backfill per cadence),
   and its ratio to the bare cost (goals: <= 60 s, ratio <= 1.5);
3. hourly refresh: today's and yesterday's daily partitions, this month, the snapshots (goal: <= 10 s);
4. the dashboard pack (sql/dashboards/*.sql) against the loaded tables: p50/p95 per query (goal: p95 <= 10 ms).

    python bench/reporting.py [--scale 10] [--days 365] [--repeat 30]

Builds into gbench_* databases (see bench/setup.py) unless they already hold this scale.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import dagster as dg  # noqa: E402

from bench.setup import bench_env  # noqa: E402
from genims_assets.connections import mysql_connect  # noqa: E402
from genims_assets.defs.reporting import materialize as m  # noqa: E402
from genims_assets.defs.reporting.assets import build_reporting_asset, reporting_tables_ddl  # noqa: E402
from genims_assets.defs.reporting.spec import DAILY, MONTHLY, Window  # noqa: E402
from genims_assets.defs.reporting.tables import REPORTING_TABLES  # noqa: E402
from genims_assets.mysql_load import replace_slice  # noqa: E402
from genims_assets.mysql_partitions import ident  # noqa: E402
from genims_assets.resources import build_resources, source_resource_key  # noqa: E402
from genims_assets.settings import load_settings  # noqa: E402

DASHBOARD_DEFAULTS = {"days": 30, "limit": 10, "top_n": 10}
# Dagster's console logger at WARNING: printing every DEBUG event of a 35-asset backfill costs seconds of its own.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
warnings.filterwarnings("ignore", category=dg.BetaWarning)


def build(scale: float, days: int) -> None:
    run = subprocess.run([str(Path(sys.executable).with_name("genims")), "setup", "--scale", f"{scale:g}",
                          "--days", str(days)], cwd=REPO, env=os.environ, capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"setup failed (use --reset by hand if the gbench databases hold another scale):\n"
                         f"{run.stdout}\n{run.stderr}")
    print(run.stdout.strip().splitlines()[-1])


def window_for(spec, first: date, last: date, now: datetime) -> Window:
    if spec.cadence == DAILY:
        return Window(datetime.combine(first, datetime.min.time()),
                      datetime.combine(last + timedelta(days=1), datetime.min.time()), now)
    if spec.cadence == MONTHLY:
        start = first.replace(day=1)
        end = (last.replace(day=1) + timedelta(days=32)).replace(day=1)
        return Window(datetime.combine(start, datetime.min.time()), datetime.combine(end, datetime.min.time()), now)
    return Window(datetime.combine(now.date(), datetime.min.time()), now, now)


def bare_cost(settings, resources, first: date, last: date) -> float:
    """The aggregation queries alone plus one bulk load of what they return, per table."""
    now = datetime.now(UTC).replace(tzinfo=None)
    ddl = reporting_tables_ddl()
    mysql = resources["mysql_reporting"]
    started = time.perf_counter()
    for spec in REPORTING_TABLES:
        window = window_for(spec, first, last, now)
        sources = {s: resources[source_resource_key(s)] for s in spec.databases}
        data = m.extract(spec, sources, window)
        frame, _ = m.conform(spec, ddl[spec.name], spec.transform(data.frames, window), now)
        scratch = f"bench_{spec.name}"[:64]
        conn = mysql.connect(autocommit=True)
        with conn.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {ident(scratch)}")
            cur.execute(f"CREATE TABLE {ident(scratch)} LIKE {ident(spec.name)}")
        conn.close()
        replace_slice(lambda local_infile=False: mysql.connect(local_infile=local_infile), mysql.database, scratch,
                      list(frame.columns), frame, slice_column=None)
    seconds = time.perf_counter() - started
    conn = mysql.connect(autocommit=True)
    with conn.cursor() as cur:
        for spec in REPORTING_TABLES:
            cur.execute(f"DROP TABLE IF EXISTS {ident(('bench_' + spec.name)[:64])}")
    conn.close()
    return seconds


def refresh(settings, resources, instance, ranges: dict[str, tuple[str, str] | None]) -> tuple[float, list]:
    """Materialise every asset: one run per cadence (single-run backfill of the range).

    Returns the wall seconds and (asset, seconds) of the slowest assets, from their materialisation metadata.
    """
    started = time.perf_counter()
    durations: dict[str, float] = {}
    for cadence in (DAILY, MONTHLY, None):
        specs = [t for t in REPORTING_TABLES if (t.cadence == cadence if cadence else not t.partitioned)]
        assets = [build_reporting_asset(t, settings, settings.reporting_start_date) for t in specs]
        if not assets:
            continue
        span = ranges.get(cadence)
        tags = {}
        if span:
            tags = {"dagster/asset_partition_range_start": span[0], "dagster/asset_partition_range_end": span[1]}
        # One run per cadence, as the hourly schedules launch them (the snapshots share one run).
        result = dg.materialize(assets, resources=resources, instance=instance, tags=tags, run_config=QUIET)
        for event in result.get_asset_materialization_events():  # one event per partition: the asset's duration
            meta = event.materialization.metadata
            durations[event.asset_key.path[-1]] = float(meta["duration_seconds"].value)
    return time.perf_counter() - started, sorted(durations.items(), key=lambda d: -d[1])[:6]


def dashboard_params(text: str, today: date, factory_id: str) -> dict:
    """Values a dashboard would pass: the last 30 days (or this week, month), 12 months, the busiest factory."""
    yesterday = today - timedelta(days=1)
    known = {
        "factory_id": factory_id,
        "months": 12,
        "start_date": yesterday - timedelta(days=29),
        "end_date": yesterday,
    }
    params = {}
    for name in set(re.findall(r"%\((\w+)\)s", text)):
        if name in DASHBOARD_DEFAULTS:
            params[name] = DASHBOARD_DEFAULTS[name]
        elif name in known:
            params[name] = known[name]
        elif "month" in name:
            params[name] = today.replace(day=1)
        elif "date" in name or "day" in name:
            params[name] = yesterday
        else:
            raise SystemExit(f"bench: no default for dashboard parameter {name!r}; add it to DASHBOARD_DEFAULTS")
    return params


def dashboards(settings, repeat: int) -> list[tuple[str, float, float, int]]:
    today = datetime.now(UTC).date()
    results = []
    conn = mysql_connect(settings.reporting, autocommit=True)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT factory_id FROM machine_performance_daily GROUP BY factory_id ORDER BY COUNT(*) DESC LIMIT 1"
        )
        factory = cur.fetchone()
        for path in sorted((REPO / "sql" / "dashboards").glob("*.sql")):
            text = path.read_text()
            params = dashboard_params(text, today, factory[0] if factory else "UNASSIGNED")
            cur.execute(text, params)  # warm-up
            rows = len(cur.fetchall())
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                cur.execute(text, params)
                cur.fetchall()
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            results.append((path.stem, statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], rows))
    conn.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--skip-build", action="store_true", help="use the gbench databases as they are")
    args = parser.parse_args()
    os.environ.update(bench_env())
    os.environ.setdefault("REPORTING_START_DATE", (datetime.now(UTC).date() - timedelta(days=400)).isoformat())
    if not args.skip_build:
        build(args.scale, args.days)
    settings = load_settings()
    resources = build_resources(settings)
    today = datetime.now(UTC).date()
    first = today - timedelta(days=args.days - 1)

    bare = bare_cost(settings, resources, first, today)
    print(f"bare cost (aggregation queries + bulk load, all 35 tables, {args.days} days): {bare:.1f} s", flush=True)
    instance = dg.DagsterInstance.ephemeral()
    full, slowest = refresh(settings, resources, instance, {
        DAILY: (first.isoformat(), today.isoformat()),
        MONTHLY: (first.replace(day=1).isoformat(), today.replace(day=1).isoformat()),
    })
    print(f"full refresh of all 35 assets: {full:.1f} s (ratio to bare cost {full / bare:.2f})", flush=True)
    print("  slowest: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest), flush=True)
    yesterday = today - timedelta(days=1)
    hourly, slowest = refresh(settings, resources, instance, {
        DAILY: (yesterday.isoformat(), today.isoformat()),
        MONTHLY: (today.replace(day=1).isoformat(), today.replace(day=1).isoformat()),
    })
    print(f"hourly refresh (yesterday + today, this month, snapshots): {hourly:.1f} s", flush=True)
    print("  slowest: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest), flush=True)

    print(f"\n{'dashboard query':<44}{'p50 ms':>9}{'p95 ms':>9}{'rows':>7}")
    board = dashboards(settings, args.repeat)
    for name, p50, p95, rows in board:
        print(f"{name:<44}{p50:>9.2f}{p95:>9.2f}{rows:>7}")
    worst = max((p95 for _, _, p95, _ in board), default=0.0)
    print("\ngoals")
    print(f"  full refresh <= 60 s: {'met' if full <= 60 else 'MISSED'} ({full:.1f} s)")
    print(f"  ratio to bare cost <= 1.5: {'met' if full / bare <= 1.5 else 'MISSED'} ({full / bare:.2f})")
    print(f"  hourly refresh <= 10 s: {'met' if hourly <= 10 else 'MISSED'} ({hourly:.1f} s)")
    print(f"  dashboard p95 <= 10 ms: {'met' if worst <= 10 else 'MISSED'} (worst {worst:.2f} ms)")


if __name__ == "__main__":
    main()
