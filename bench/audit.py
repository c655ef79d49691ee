"""Benchmark the audit path in one run: capture cost, shipping throughput, commit-to-MySQL lag.

    python bench/audit.py [--rows 200000] [--statements 5000] [--repeat 3]
                          [--events 1000000] [--workers 1 2] [--lag-minutes 6] [--skip-lag] [--skip-ceilings]

1. Capture (bench/audit_capture.py): one-row INSERT/UPDATE statements per second and 200k-row
   INSERT ... SELECT / UPDATE durations on genims_erp_db.general_ledger without capture, with row-level
   triggers and with the product's statement-level (transition-table) triggers, and the ratios.
2. Shipping (bench/audit_ship.py): 1M realistic queued events shipped to genims_audit_db, events/s
   (goal >= 50k/s), with 1 and 2 shipper processes; beside them what the machine allows, on the same events:
   each stage alone (MySQL LOAD DATA into scratch copies of the audit tables, PostgreSQL claim+read,
   classification+serialisation, numbering+hash chain); then the commit-to-MySQL lag p50/p99 with a real
   dagster-daemon running audit_queue_sensor every 60 s (goal p99 <= 90 s).

Each part builds and drops its own gbench_cap_* / gship_bench_* databases and accounts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import audit_capture, audit_ship  # noqa: E402
from genims_assets.settings import load_settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--statements", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--lag-minutes", type=float, default=6.0)
    parser.add_argument("--skip-lag", action="store_true")
    parser.add_argument("--skip-ceilings", action="store_true", help="skip the per-stage ceilings of the shipping")
    args = parser.parse_args()
    print("== 1. capture cost ==", flush=True)
    print(audit_capture.report(audit_capture.run(load_settings(), args.rows, args.statements, args.repeat)), flush=True)
    print("\n== 2. shipping throughput and lag ==", flush=True)
    ship_args = ["--events", str(args.events), "--lag-minutes", str(args.lag_minutes), "--workers"]
    ship_args += [str(w) for w in args.workers] + (["--skip-lag"] if args.skip_lag else [])
    ship_args += ["--skip-ceilings"] if args.skip_ceilings else []
    audit_ship.main(ship_args)


if __name__ == "__main__":
    main()
