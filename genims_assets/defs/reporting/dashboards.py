"""The dashboard query pack (sql/dashboards/*.sql): the queries and the values a dashboard passes them."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from genims_assets.sqlfiles import SQL_DIR

DASHBOARD_DIR = SQL_DIR / "dashboards"
DEFAULTS = {"days": 30, "limit": 10, "top_n": 10, "months": 12}
PARAMETER = re.compile(r"%\((\w+)\)s")


class DashboardParameterError(ValueError):
    """A dashboard query names a parameter this module has no default for."""


def dashboard_files() -> list[Path]:
    return sorted(DASHBOARD_DIR.glob("*.sql"))


def default_params(text: str, today: date, factory_id: str) -> dict:
    """What a dashboard would pass: the last 30 whole days (or this week, month), 12 months, a plant."""
    yesterday = today - timedelta(days=1)
    known = {"factory_id": factory_id, "start_date": yesterday - timedelta(days=29), "end_date": yesterday}
    params = {}
    for name in set(PARAMETER.findall(text)):
        if name in DEFAULTS:
            params[name] = DEFAULTS[name]
        elif name in known:
            params[name] = known[name]
        elif "month" in name:
            params[name] = today.replace(day=1)
        elif "date" in name or "day" in name:
            params[name] = yesterday
        else:
            raise DashboardParameterError(
                f"dashboard parameter {name!r} has no default: add it to DEFAULTS in {__name__}"
            )
    return params
