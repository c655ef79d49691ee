"""The root of the asset graph: every domain's definitions, resources built once from the environment.

A malformed variable stops the code location from loading with a message that
names it (see genims_assets/settings.py); the UI shows that message.
"""

from __future__ import annotations

import dagster as dg

from genims_assets.defs import audit, reporting, sources
from genims_assets.resources import build_resources
from genims_assets.settings import Settings, load_settings


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions.merge(
        sources.defs(settings),
        reporting.defs(settings),
        audit.defs(settings),
        dg.Definitions(resources=build_resources(settings)),
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(load_settings())
