"""The reporting layer: 35 MySQL tables as assets, refreshed hourly, checked, kept 12 months."""

from __future__ import annotations

import dagster as dg

from genims_assets.defs.reporting.assets import build_reporting_asset, freshness_checks
from genims_assets.defs.reporting.retention import retention_job, retention_schedule
from genims_assets.defs.reporting.schedules import refresh_jobs, refresh_schedules
from genims_assets.defs.reporting.tables import REPORTING_TABLES
from genims_assets.settings import Settings


def defs(settings: Settings) -> dg.Definitions:
    assets = [build_reporting_asset(spec, settings, settings.reporting_start_date) for spec in REPORTING_TABLES]
    checks = freshness_checks(assets)
    jobs = refresh_jobs(REPORTING_TABLES)
    return dg.Definitions(
        assets=assets,
        asset_checks=checks,
        jobs=[*jobs.values(), retention_job],
        schedules=[*refresh_schedules(jobs, settings.reporting_cron), retention_schedule],
        sensors=[
            dg.build_sensor_for_freshness_checks(
                freshness_checks=checks,
                name="reporting_freshness_checks_sensor",
                default_status=dg.DefaultSensorStatus.RUNNING,
            )
        ],
    )
