"""The Dagster instance class of the platform (dagster.yaml `instance_class`).

dagster-postgres opens and closes a PostgreSQL connection for every storage call outside the webserver: each
event a run writes (its planned materialisations and checks included), each record a step reads. One hourly
refresh of the daily tables made ~2,400 connections and spent 6-9 s on them. This instance switches every
process that loads it (daemon, run workers, step processes, CLI) to the pooled engines the webserver uses:
one kept connection per storage plus a little overflow, recycled hourly, no statement time-out. Storages
without connections (SQLite in tests) ignore it.
"""

from __future__ import annotations

import dagster as dg
from dagster._core.instance.ref import InstanceRef

POOL_MAX_OVERFLOW = 4
POOL_RECYCLE_SECONDS = 3600


class PooledInstance(dg.DagsterInstance):
    @classmethod
    def config_schema(cls) -> dict:
        return {}  # no settings of its own in dagster.yaml

    @classmethod
    def config_defaults(cls, base_dir: str) -> dict:
        return InstanceRef.config_defaults(base_dir)  # the same defaults as a plain instance

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.optimize_for_webserver(statement_timeout=0, pool_recycle=POOL_RECYCLE_SECONDS,
                                    max_overflow=POOL_MAX_OVERFLOW)
