"""Developer aid: generate some modules and load their tables into scratch databases.

    python scripts/dev_generate.py --prefix h1_ --scale 0.05 [--days 90] [--seed 42] [--keep]

Runs the generators in order (all of them, so references resolve), then loads
every table into <prefix><database> (created fresh, dropped afterwards unless
--keep), and prints the rows per table and the time taken. It never touches
the genims_* databases.
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime

from psycopg2 import sql

from genims_assets.connections import postgres_connect
from genims_assets.settings import SOURCE_DATABASES, load_settings
from genims_assets.sqlfiles import read_sql, run_script, source_tables
from genims_assets.synthetic import generate_all
from genims_assets.synthetic.context import GenContext
from genims_assets.synthetic.copy_load import copy_rows, reset_serial_sequences


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--end", type=datetime.fromisoformat, default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if not args.prefix.rstrip("_").isidentifier() or args.prefix.startswith("genims"):
        raise SystemExit("--prefix must be an identifier that does not start with genims")
    settings = load_settings()
    ctx = GenContext(seed=args.seed, scale=args.scale, days=args.days, **({"end": args.end} if args.end else {}))
    started = time.perf_counter()
    generate_all(ctx, progress=lambda name: print(f"generated {name}: {time.perf_counter() - started:.2f}s"))
    admin = postgres_connect(settings.postgres, "postgres")
    admin.autocommit = True
    total = 0
    for short, catalog_name in SOURCE_DATABASES.items():
        tables = ctx.tables_of(short)
        if not tables:
            continue
        name = args.prefix + catalog_name
        with admin.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        conn = postgres_connect(settings.postgres, name)
        with conn.cursor() as cur:
            cur.execute("SET client_min_messages = warning")
            run_script(cur, read_sql("postgres", f"{catalog_name}.sql"))
            run_script(cur, read_sql("postgres", f"{catalog_name}_indexes.sql"))
            defs = source_tables(catalog_name)
            for table, _ in tables:
                t0 = time.perf_counter()
                n = copy_rows(cur, defs[table], ctx.take(short, table))
                total += n
                print(f"  {short}.{table}: {n} rows ({time.perf_counter() - t0:.2f}s)")
            for table in defs.values():
                reset_serial_sequences(cur, table)
        conn.commit()
        conn.close()
        if not args.keep:
            with admin.cursor() as cur:
                cur.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
    print(f"total {total} rows in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
