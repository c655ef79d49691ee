"""Benchmark `genims setup`: wall time, rows loaded and rows/s at scale 1 and 10, against the public run.

    python bench/setup.py [--scales 1 10] [--days 90]

Builds into gbench_* databases (never genims_*), from scratch each time
(--reset), and drops them afterwards unless --keep. The public GenIMS run
loaded 412,960 rows in 502 s (its own generator and loader); goal here:
scale 1 in <= 60 s.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

from psycopg2 import sql

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from genims_assets.connections import mysql_connect, postgres_connect  # noqa: E402
from genims_assets.mysql_partitions import ident  # noqa: E402
from genims_assets.settings import SOURCE_DATABASES, load_settings  # noqa: E402
from genims_assets.sqlfiles import source_tables  # noqa: E402

PREFIX = "gbench_"
PUBLIC_ROWS, PUBLIC_SECONDS = 412_960, 502.0
GOAL_SCALE_1_SECONDS = 60.0


def bench_env() -> dict[str, str]:
    env = {f"POSTGRES_DB_{short.upper()}": PREFIX + name for short, name in SOURCE_DATABASES.items()}
    env |= {
        "MYSQL_REPORTING_DB": PREFIX + "genims_reporting_db",
        "MYSQL_AUDIT_DB": PREFIX + "genims_audit_db",
        "DAGSTER_PG_DB": PREFIX + "genims_dagster",
    }
    # The audit accounts the bench's set-up creates: their own names, a fresh random password per run.
    for variable, role in (("MYSQL_AUDIT", "shipper"), ("MYSQL_AUDIT_READER", "reader"),
                           ("MYSQL_AUDIT_RETENTION", "retention")):
        env[f"{variable}_USER"] = f"{PREFIX}audit_{role}"
        env[f"{variable}_PASSWORD"] = os.environ.get(f"{variable}_PASSWORD") or secrets.token_urlsafe(18)
    return env


def count_rows(settings) -> int:
    total = 0
    for short, name in SOURCE_DATABASES.items():
        conn = postgres_connect(settings.postgres, settings.postgres.databases[short])
        with conn.cursor() as cur:
            for table in source_tables(name):
                cur.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
                total += cur.fetchone()[0]
        conn.close()
    return total


def drop_all(settings) -> None:
    conn = postgres_connect(settings.postgres, "postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        for name in [*settings.postgres.databases.values(), settings.dagster_database]:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    conn.close()
    for target in (settings.reporting, settings.audit):
        conn = mysql_connect(target, database=None, autocommit=True)
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {ident(target.database)}")
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--keep", action="store_true", help="keep the gbench_* databases of the last scale")
    args = parser.parse_args()

    env = bench_env()
    os.environ.update(env)
    settings = load_settings()
    genims = str(Path(sys.executable).with_name("genims"))
    results = []
    for scale in args.scales:
        drop_all(settings)
        started = time.perf_counter()
        run = subprocess.run(
            [genims, "setup", "--scale", f"{scale:g}", "--days", str(args.days), "--reset", "--yes"],
            cwd=REPO,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        if run.returncode != 0:
            raise SystemExit(f"setup at scale {scale:g} failed:\n{run.stdout}\n{run.stderr}")
        rows = count_rows(settings)
        results.append((scale, seconds, rows))
        print(f"scale {scale:g}: {seconds:.1f} s wall, {rows:,} rows, {rows / seconds:,.0f} rows/s", flush=True)
    if not args.keep:
        drop_all(settings)

    public_rate = PUBLIC_ROWS / PUBLIC_SECONDS
    print()
    print(f"{'run':<22}{'rows':>12}{'wall s':>10}{'rows/s':>12}{'vs public':>12}")
    print(f"{'public GenIMS run':<22}{PUBLIC_ROWS:>12,}{PUBLIC_SECONDS:>10.1f}{public_rate:>12,.0f}{'1.0x':>12}")
    for scale, seconds, rows in results:
        rate = rows / seconds
        print(f"{f'genims setup {scale:g}':<22}{rows:>12,}{seconds:>10.1f}{rate:>12,.0f}{rate / public_rate:>11.1f}x")
    for scale, seconds, _ in results:
        if scale == 1.0:
            verdict = "met" if seconds <= GOAL_SCALE_1_SECONDS else "MISSED"
            print(f"goal scale 1 <= {GOAL_SCALE_1_SECONDS:.0f} s: {verdict} ({seconds:.1f} s)")


if __name__ == "__main__":
    main()
