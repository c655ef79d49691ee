"""Benchmark the reporting layer, in one run, on a platform built at --scale (default 10, >= 1M source rows):

1. bare cost: every table's source aggregation queries alone, plus a bulk load (LOAD DATA LOCAL INFILE)
   of the rows they give, into a scratch copy of the table;
2. full refresh of all 35 assets (every partition of the data window, one single-run backfill per cadence),
   and its ratio to the bare cost (goals: <= 60 s, ratio <= 1.5);
3. hourly refresh: today's and yesterday's daily partitions, this month, the snapshots, as --ticks ticks one
   after the other (goal: median <= 10 s; the slowest tick is printed beside it);
4. the dashboard pack (sql/dashboards/*.sql) against the loaded tables: p50/p95 per query (goal: p95 <= 10 ms).

    python bench/reporting.py [--scale 10] [--days 365] [--repeat 30] [--ticks 5]

Builds into gbench_* databases (see bench/setup.py) unless they already hold this scale.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
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
from genims_assets.defs.reporting.assets import reporting_key, reporting_tables_ddl  # noqa: E402
from genims_assets.defs.reporting.dashboards import dashboard_files, default_params  # noqa: E402
from genims_assets.defs.reporting.schedules import (  # noqa: E402
    HOURLY_KINDS,
    HOURLY_RUN_CONFIG,
    JOB_NAMES,
    hourly_request,
)
from genims_assets.defs.reporting.spec import DAILY, MONTHLY, Window  # noqa: E402
from genims_assets.defs.reporting.tables import REPORTING_TABLES  # noqa: E402
from genims_assets.mysql_load import replace_slice  # noqa: E402
from genims_assets.mysql_partitions import ident  # noqa: E402
from genims_assets.resources import build_resources, source_resource_key  # noqa: E402
from genims_assets.settings import load_settings  # noqa: E402

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


def bare_cost(settings, resources, first: date, last: date) -> tuple[float, list]:
    """The aggregation queries alone plus one bulk load of what they return, per table.

    Returns the wall seconds and, per table, (name, query seconds, transform seconds, load seconds, rows).
    """
    now = datetime.now(UTC).replace(tzinfo=None)
    ddl = reporting_tables_ddl()
    mysql = resources["mysql_reporting"]
    started = time.perf_counter()
    split = []
    for spec in REPORTING_TABLES:
        window = window_for(spec, first, last, now)
        sources = {s: resources[source_resource_key(s)] for s in spec.databases}
        t0 = time.perf_counter()
        data = m.extract(spec, sources, window)
        t1 = time.perf_counter()
        frame, _ = m.conform(spec, ddl[spec.name], spec.transform(data.frames, window), now)
        t2 = time.perf_counter()
        scratch = f"bench_{spec.name}"[:64]
        conn = mysql.connect(autocommit=True)
        with conn.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {ident(scratch)}")
            cur.execute(f"CREATE TABLE {ident(scratch)} LIKE {ident(spec.name)}")
        conn.close()
        t3 = time.perf_counter()
        replace_slice(lambda local_infile=False: mysql.connect(local_infile=local_infile), mysql.database, scratch,
                      list(frame.columns), frame, slice_column=None)
        split.append((spec.name, t1 - t0, t2 - t1, time.perf_counter() - t3, len(frame)))
    seconds = time.perf_counter() - started
    conn = mysql.connect(autocommit=True)
    with conn.cursor() as cur:
        for spec in REPORTING_TABLES:
            cur.execute(f"DROP TABLE IF EXISTS {ident(('bench_' + spec.name)[:64])}")
    conn.close()
    return seconds, sorted(split, key=lambda part: -(part[1] + part[2] + part[3]))


def instance_home() -> Path:
    """A DAGSTER_HOME with the project's dagster.yaml: run and event storage in PostgreSQL (DAGSTER_PG_DB), pools."""
    home = Path(tempfile.mkdtemp(prefix="gbench-dagster-home-"))
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    for name, default in (("POSTGRES_HOST", "127.0.0.1"), ("POSTGRES_PORT", "5432"), ("POSTGRES_USER", "postgres"),
                          ("POSTGRES_PASSWORD", "")):
        os.environ.setdefault(name, default)
    return home


def _ticks(pid: str) -> tuple[str, int, int]:
    """(command name, own CPU ticks, CPU ticks of its reaped children) of a process, from /proc/<pid>/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    name, fields = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
    return name, int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])


def cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far by the database servers, the machine and this process's finished children (Linux).

    PostgreSQL: its live processes plus what the postmaster reaped (every closed connection's backend);
    MariaDB: mariadbd/mysqld; machine: all CPUs busy (not idle, not waiting for I/O), from /proc/stat.
    """
    hertz = os.sysconf("SC_CLK_TCK")
    totals = {"postgres": 0, "mysql": 0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            name, own, reaped = _ticks(pid)
            # The postmaster keeps its path as its command line; backends rewrite theirs ("postgres: user db ...").
            postmaster = name == "postgres" and Path(f"/proc/{pid}/cmdline").read_bytes().startswith(b"/")
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile, or not ours to read
        if name == "postgres":
            totals["postgres"] += own + (reaped if postmaster else 0)
        elif name in ("mariadbd", "mysqld"):
            totals["mysql"] += own
    cpu = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"postgres": totals["postgres"] / hertz, "mysql": totals["mysql"] / hertz,
            "machine": (sum(cpu) - cpu[3] - cpu[4]) / hertz, "runs": children.ru_utime + children.ru_stime}


def cpu_report(before: dict[str, float], after: dict[str, float], seconds: float) -> str:
    used = {k: after[k] - before[k] for k in before}
    other = used["machine"] - used["postgres"] - used["mysql"] - used["runs"]
    return (f"  CPU seconds: run workers {used['runs']:.1f}, PostgreSQL {used['postgres']:.1f}, MariaDB "
            f"{used['mysql']:.1f}, rest of the machine {other:.1f}; {used['machine']:.1f} in all = "
            f"{used['machine'] / seconds:.2f} of {os.cpu_count()} cores busy on average")


def refresh(home: Path, runs: list[tuple[str, dict, dict, list | None]]) -> tuple[float, list]:
    """Execute the product's refresh jobs as the daemon would: one run worker process per run, all at once
    (dagster.yaml allows 4 concurrent runs; the per-table pools keep two loads of a table apart), with the
    instance in PostgreSQL. `runs`: (job name, tags, run config, asset keys to run or None for all the job's).

    Returns the wall seconds and (asset, seconds) of the slowest assets, from their materialisation metadata.
    """
    env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONWARNINGS": "ignore"}
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    since = datetime.now(UTC).timestamp()
    workers = []
    for job, tags, config, selection in runs:
        config_path = home / f"{job}-{len(workers)}.yaml"
        config_path.write_text(json.dumps({**QUIET, **config}))  # JSON is YAML
        command = [str(Path(sys.executable).with_name("dagster")), "job", "execute", "-m", "genims_assets.definitions",
                   "-j", job, "--tags", json.dumps(tags), "-c", str(config_path)]
        if selection:  # an asset's op is named after its key
            command += ["-o", ",".join(key.to_python_identifier() for key in selection)]
        output = tempfile.TemporaryFile(mode="w+")  # a file, not a pipe: nobody reads while the runs go
        workers.append((job, output, subprocess.Popen(command, cwd=REPO, env=env, stdout=output,
                                                      stderr=subprocess.STDOUT, text=True)))
    ends: dict[int, float] = {}
    while len(ends) < len(workers):  # each run's own end, whatever the order they finish in
        for index, (_, _, worker) in enumerate(workers):
            if index not in ends and worker.poll() is not None:
                ends[index] = time.perf_counter() - started
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    time.sleep(1)  # the postmaster reaps the runs' last backends (and counts their CPU) asynchronously
    cpu_after = cpu_seconds()
    failed = []
    for job, output, worker in workers:
        if worker.returncode != 0:
            output.seek(0)
            failed.append(f"{job} (exit {worker.returncode}):\n{output.read()[-3000:]}")
        output.close()
    print("  runs done at: " + ", ".join(f"{workers[i][0]} {ends[i]:.1f} s" for i in sorted(ends)), flush=True)
    print(cpu_report(cpu_before, cpu_after, seconds), flush=True)
    if failed:
        raise SystemExit("bench: a refresh run failed:\n" + "\n".join(failed))
    durations: dict[str, float] = {}
    with dg.DagsterInstance.from_config(str(home)) as instance:
        for spec in REPORTING_TABLES:
            records = instance.fetch_materializations(reporting_key(spec.name), limit=1).records
            if records and records[0].timestamp >= since:
                durations[spec.name] = float(records[0].asset_materialization.metadata["duration_seconds"].value)
    return seconds, sorted(durations.items(), key=lambda d: -d[1])[:6]


def range_tags(first: str, last: str) -> dict:
    return {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}


def loaded_days(settings) -> int:
    """Days of data the reporting tables hold (machine_performance_daily's report dates)."""
    conn = mysql_connect(settings.reporting, autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT COUNT(DISTINCT report_date) FROM machine_performance_daily")
            return int(cur.fetchone()[0])
    finally:
        conn.close()


def dashboards(settings, repeat: int) -> list[tuple[str, float, float, int]]:
    today = datetime.now(UTC).date()
    results = []
    conn = mysql_connect(settings.reporting, autocommit=True)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT factory_id FROM machine_performance_daily GROUP BY factory_id ORDER BY COUNT(*) DESC LIMIT 1"
        )
        factory = cur.fetchone()
        for path in dashboard_files():
            text = path.read_text()
            params = default_params(text, today, factory[0] if factory else "UNASSIGNED")
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


PARTS = ("bare", "full", "hourly", "dashboards")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--ticks", type=int, default=5, help="hourly ticks to run one after the other (median)")
    parser.add_argument("--skip-build", action="store_true", help="use the gbench databases as they are")
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS),
                        help="measure only these parts (the ratio needs both bare and full)")
    parser.add_argument("--full-executor", choices=("default", "threads"), default="default",
                        help="executor of the full refresh's runs: the jobs' default (a process per step, 2 at a "
                             "time) or the hourly runs' (2 steps at a time in threads of the run worker)")
    args = parser.parse_args()
    os.environ.update(bench_env())
    os.environ.setdefault("REPORTING_START_DATE", (datetime.now(UTC).date() - timedelta(days=400)).isoformat())
    if not args.skip_build:
        build(args.scale, args.days)
    settings = load_settings()
    resources = build_resources(settings)
    today = datetime.now(UTC).date()
    first = today - timedelta(days=args.days - 1)
    figures: dict[str, float] = {}

    if "bare" in args.only:
        figures["bare"], split = bare_cost(settings, resources, first, today)
        print(f"bare cost (aggregation queries + bulk load, all 35 tables, {args.days} days): {figures['bare']:.1f} s",
              flush=True)
        print("  costliest (query+transform+load): " + ", ".join(
            f"{name} {q:.1f}+{t:.1f}+{ld:.1f} s ({rows} rows)" for name, q, t, ld, rows in split[:6]), flush=True)
    home = instance_home()
    if "full" in args.only:
        # A full refresh is a backfill of every partition of the window: with single-run backfill policies, one run
        # per partitioning (daily, monthly) plus the snapshots, launched together.
        config = HOURLY_RUN_CONFIG if args.full_executor == "threads" else {}
        figures["full"], slowest = refresh(home, [
            (JOB_NAMES[DAILY], range_tags(first.isoformat(), today.isoformat()), config, None),
            (JOB_NAMES[MONTHLY], range_tags(first.replace(day=1).isoformat(), today.replace(day=1).isoformat()),
             config, [reporting_key(t.name) for t in REPORTING_TABLES if t.partitioned and t.cadence == MONTHLY]),
            (JOB_NAMES["unpartitioned"], {}, config, None),
        ])
        ratio = f" (ratio to bare cost {figures['full'] / figures['bare']:.2f})" if "bare" in figures else ""
        print(f"full refresh of all 35 assets ({args.full_executor} executor): {figures['full']:.1f} s{ratio}",
              flush=True)
        print("  slowest: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest), flush=True)
    if "hourly" in args.only:
        # The hourly tick: exactly the run requests the schedules make at this hour (partition, tags, run config).
        tick = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        requests = [(kind, hourly_request(kind, tick)) for kind in HOURLY_KINDS]
        ticks = []
        for _ in range(args.ticks):  # the same tick again: a tick's seconds vary by a second from run to run here
            seconds, slowest = refresh(home, [
                (JOB_NAMES[kind], {**request.tags, **({"dagster/partition": request.partition_key}
                                                       if request.partition_key else {})}, request.run_config,
                 request.asset_selection)
                for kind, request in requests
            ])
            ticks.append(seconds)
            print(f"  tick {len(ticks)}: {seconds:.1f} s; slowest: "
                  + ", ".join(f"{name} {s:.1f} s" for name, s in slowest), flush=True)
        figures["hourly"], figures["hourly_slowest"] = statistics.median(ticks), max(ticks)
        print(f"hourly refresh (yesterday + today, this month, snapshots: {len(requests)} runs): median "
              f"{figures['hourly']:.1f} s of {len(ticks)} ticks ({', '.join(f'{t:.1f}' for t in ticks)})", flush=True)
    shutil.rmtree(home, ignore_errors=True)

    if "dashboards" in args.only:
        loaded = loaded_days(settings)
        print(f"\ndashboards over {loaded} loaded days of machine_performance_daily (the bench's window: {args.days})")
        print(f"{'dashboard query':<44}{'p50 ms':>9}{'p95 ms':>9}{'rows':>7}")
        board = dashboards(settings, args.repeat)
        for name, p50, p95, rows in board:
            print(f"{name:<44}{p50:>9.2f}{p95:>9.2f}{rows:>7}")
        if loaded < args.days:  # an hourly refresh alone loads two days: its p95 says nothing about 12 months
            print(f"  not a measure over {args.days} days: the reporting tables hold {loaded}; run the full refresh "
                  "first (--only full dashboards)")
        else:
            figures["dashboard_p95"] = max((p95 for _, _, p95, _ in board), default=0.0)
    print("\ngoals")
    if "full" in figures:
        print(f"  full refresh <= 60 s: {'met' if figures['full'] <= 60 else 'MISSED'} ({figures['full']:.1f} s)")
    if "full" in figures and "bare" in figures:
        ratio = figures["full"] / figures["bare"]
        print(f"  ratio to bare cost <= 1.5: {'met' if ratio <= 1.5 else 'MISSED'} ({ratio:.2f})")
    if "hourly" in figures:
        print(f"  hourly refresh <= 10 s: {'met' if figures['hourly'] <= 10 else 'MISSED'} (median "
              f"{figures['hourly']:.1f} s, slowest tick {figures['hourly_slowest']:.1f} s)")
    if "dashboard_p95" in figures:
        worst = figures["dashboard_p95"]
        print(f"  dashboard p95 <= 10 ms: {'met' if worst <= 10 else 'MISSED'} (worst {worst:.2f} ms)")


if __name__ == "__main__":
    main()
