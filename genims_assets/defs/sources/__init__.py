"""The 13 GenIMS source databases as external, observed assets."""

from __future__ import annotations

import dagster as dg

from genims_assets.defs.sources.assets import source_group, source_observations
from genims_assets.settings import Settings

OBSERVATION_CRON = "*/15 * * * *"


def defs(settings: Settings) -> dg.Definitions:
    observations = source_observations(settings.postgres.databases)
    observe_job = dg.define_asset_job(
        "observe_sources",
        selection=dg.AssetSelection.groups(*(source_group(s) for s in settings.postgres.databases)),
        description="Record row counts and last updates of every GenIMS source table.",
    )
    return dg.Definitions(
        assets=observations,
        jobs=[observe_job],
        schedules=[
            dg.ScheduleDefinition(
                name="observe_sources_every_15_minutes",
                job=observe_job,
                cron_schedule=OBSERVATION_CRON,
                execution_timezone="UTC",
                default_status=dg.DefaultScheduleStatus.RUNNING,
                description="Keeps the source tables' row counts and last updates current in the UI.",
            )
        ],
    )
