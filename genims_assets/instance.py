"""The Dagster instance class and event-log storage of the platform (dagster.yaml `instance_class`,
`event_log_storage`).

dagster-postgres opens and closes a PostgreSQL connection for every storage call outside the webserver: each
event a run writes (its planned materialisations and checks included), each record a step reads. One hourly
refresh of the daily tables made ~2,400 connections and spent 6-9 s on them. This instance switches every
process that loads it (daemon, run workers, step processes, CLI) to the pooled engines the webserver uses:
one kept connection per storage plus a little overflow, recycled hourly, no statement time-out. Storages
without connections (SQLite in tests) ignore it.

It also writes the events Dagster marks as one batch in one go: the per-partition materialisations of a step
over a partition range (which dagster-postgres already inserts with one statement) and the planned
materialisations and check evaluations a run announces when it starts, one per asset and partition (2,520
for a 90-day refresh of the 28 daily tables), which dagster-postgres would insert one statement and one
commit at a time (~10 ms each). Every event is still written, with the same content: the UI's in-progress
and failed partitions come from these per-partition events, which is why the platform does not switch to
Dagster's one-event-per-asset form (DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS).

And it remembers the storage schema it has seen: dagster-postgres asks the catalog whether a table exists before
every check event and which columns asset_keys has before most asset reads (490 catalog queries in one hourly
refresh). A table or column found stays found for the life of the process (a migration only adds them, and
`dagster instance migrate` runs in a process of its own); one not found is asked again.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import dagster as dg
from dagster._core.events import DagsterEventType
from dagster._core.events.log import EventLogEntry
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log import SqlEventLogStorageTable
from dagster._serdes import ConfigurableClassData
from dagster_postgres import PostgresEventLogStorage
from dagster_postgres.utils import pg_url_from_config

POOL_MAX_OVERFLOW = 4
POOL_RECYCLE_SECONDS = 3600
# Largest number of batch-marked events buffered before a write; a run's planned events are one batch.
EVENT_BATCH_SIZE = 5000
_PLANNED = {DagsterEventType.ASSET_MATERIALIZATION_PLANNED, DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED}


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

    def _get_event_batch_size(self) -> int:
        # Dagster reads DAGSTER_EVENT_BATCH_SIZE (default 0: batching off); the platform batches unless the
        # variable says otherwise, so that no process depends on it being exported.
        configured = os.getenv("DAGSTER_EVENT_BATCH_SIZE")
        return int(configured) if configured else EVENT_BATCH_SIZE


class BatchingPostgresEventLogStorage(PostgresEventLogStorage):
    """dagster-postgres event-log storage that also writes a batch of planned events in one transaction, and
    remembers the tables and columns it has found."""

    def __init__(self, *args, **kwargs) -> None:
        self._tables_found: set[str] = set()
        self._asset_key_columns_found: set[str] = set()
        super().__init__(*args, **kwargs)

    def has_table(self, table_name: str) -> bool:
        if table_name in self._tables_found:
            return True
        found = super().has_table(table_name)
        if found:
            self._tables_found.add(table_name)
        return found

    def _has_asset_key_col_on_connection(self, conn, column_name: str) -> bool:
        if column_name in self._asset_key_columns_found:
            return True
        found = super()._has_asset_key_col_on_connection(conn, column_name)
        if found:
            self._asset_key_columns_found.add(column_name)
        return found

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None,
                          config_value: Mapping[str, Any]) -> BatchingPostgresEventLogStorage:
        return cls(inst_data=inst_data, postgres_url=pg_url_from_config(config_value),
                   should_autocreate_tables=config_value.get("should_autocreate_tables", True))

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        kinds = {entry.get_dagster_event().event_type for entry in events}
        if not events or not kinds <= _PLANNED:
            super().store_event_batch(events)  # materialisations in one statement, anything else one by one
            return
        with self._connect() as conn:
            result = conn.execute(self.prepare_insert_event_batch(events).returning(SqlEventLogStorageTable.c.id))
            ids = [int(row[0]) for row in result.fetchall()]
        if len(ids) != len(events):
            raise dg.DagsterInvariantViolationError(
                f"stored {len(ids)} of a batch of {len(events)} planned events; the event log is inconsistent")
        assets = [(entry, event_id) for entry, event_id in zip(events, ids, strict=True)
                  if entry.get_dagster_event().event_type == DagsterEventType.ASSET_MATERIALIZATION_PLANNED]
        if assets:
            latest: dict[Any, tuple[EventLogEntry, int]] = {}
            for entry, event_id in assets:
                latest[entry.get_dagster_event().asset_key] = (entry, event_id)
            with self.index_transaction() as conn:
                self._store_asset_event_tags(conn, [entry for entry, _ in assets], [i for _, i in assets])
                # The asset row keeps the latest planned run and timestamp: one update per asset is the same.
                for entry, event_id in latest.values():
                    self._store_asset_event(conn, entry, event_id)
        for entry, event_id in zip(events, ids, strict=True):
            if entry.get_dagster_event().event_type == DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED:
                self.store_asset_check_event(entry, event_id)
