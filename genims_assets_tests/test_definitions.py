"""The Dagster graph: it loads, has the 13 source groups, and observing a source records real counts."""

from __future__ import annotations

import os
import subprocess
import sys

import dagster as dg
import pytest

from genims_assets.connections import postgres_connect
from genims_assets.definitions import build_definitions
from genims_assets.defs.sources.assets import source_asset_key, source_group
from genims_assets.settings import SOURCE_DATABASES
from genims_assets.sqlfiles import source_tables
from genims_assets_tests.conftest import REPO


@pytest.fixture(scope="module")
def definitions(settings):
    return build_definitions(settings)


def test_definitions_validate_with_the_dagster_cli(tmp_path):
    # A throwaway instance: validation must not depend on the instance database.
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    result = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "DAGSTER_HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "passed validation" in result.stdout + result.stderr


def test_thirteen_source_groups_hold_every_catalog_table(definitions):
    graph = definitions.resolve_asset_graph()
    groups: dict[str, set[str]] = {}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if key.path[0] == "source":
            assert not node.is_materializable, key
            groups.setdefault(node.group_name, set()).add(key.path[-1])
    assert set(groups) == {source_group(s) for s in SOURCE_DATABASES}
    for short, database in SOURCE_DATABASES.items():
        assert groups[source_group(short)] == set(source_tables(database)), short
    assert sum(len(t) for t in groups.values()) == 256


def test_resources_show_no_password(definitions):
    """Resources hold a password as the name of its variable (an EnvVar), never its value."""
    import os

    secrets = {v for k, v in os.environ.items() if k.endswith("_PASSWORD") and len(v) >= 8}
    assert secrets, "the test platform's audit accounts have passwords: something to look for"
    audit = definitions.resources["mysql_audit"]
    assert audit.password == "MYSQL_AUDIT_PASSWORD", "the audit password comes from its variable at run time"
    for key, resource in definitions.resources.items():
        text = repr(resource) + str(resource.__dict__)
        assert not [s for s in secrets if s in text], key


def test_observing_a_source_database_records_exact_counts_and_last_update(built_platform, definitions, settings):
    job = definitions.resolve_job_def("observe_sources")
    instance = dg.DagsterInstance.ephemeral()
    selection = {source_asset_key("master", t) for t in ("machines", "sensors", "employees")} | {
        source_asset_key("operational", "scada_machine_data")
    }
    result = job.execute_in_process(instance=instance, asset_selection=list(selection))
    assert result.success
    observed = {}
    for event in result.all_events:
        if event.event_type_value == "ASSET_OBSERVATION":
            observation = event.event_specific_data.asset_observation
            observed[observation.asset_key] = observation.metadata
    assert set(observed) == selection
    for key, metadata in observed.items():
        short, table = key.path[1], key.path[2]
        conn = postgres_connect(settings.postgres, settings.postgres.databases[short])
        with conn.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {table}")  # table names come from the catalog
            expected = cur.fetchone()[0]
        conn.close()
        assert expected > 0
        assert metadata["dagster/row_count"].value == expected, key
        assert metadata["dagster/last_updated_timestamp"].value > 0, key
    # The observation is stored on the instance, where the UI reads it.
    stored = instance.get_latest_data_version_record(source_asset_key("master", "machines"), is_source=True)
    assert stored is not None
