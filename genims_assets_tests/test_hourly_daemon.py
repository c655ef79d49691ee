"""The hourly daily run as production runs it: queued, then launched by a real dagster-daemon through its code
server into a run worker process, on the project's dagster.yaml; its steps execute in threads of that worker, and
a termination from outside cancels the run without cutting a step short.

The daemon's code server imports this module (`reporting_only`): it must not import conftest.py, whose import sets
the test environment (DAGSTER_PG_DB among others) over the daemon's own."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest

from genims_assets.defs import reporting
from genims_assets.defs.reporting.schedules import JOB_NAMES, hourly_request
from genims_assets.defs.reporting.spec import DAILY
from genims_assets.defs.reporting.tables import REPORTING_TABLES
from genims_assets.resources import build_resources
from genims_assets.settings import load_settings
from genims_assets_tests.processes import stop_process_group
from genims_assets_tests.test_audit_store import own_dagster_database

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WAIT_SECONDS = 240
ENDED = (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)
WORKSPACE = """load_from:
  - python_module:
      module_name: genims_assets_tests.test_hourly_daemon
      attribute: reporting_only
      working_directory: {repo}
      location_name: genims_reporting_daemon_test
"""


@dg.definitions
def reporting_only() -> dg.Definitions:
    """The reporting layer alone: the audit sensors of the full code location must not ship the test platform's
    queue while this test's daemon runs."""
    settings = load_settings()
    return dg.Definitions.merge(reporting.defs(settings), dg.Definitions(resources=build_resources(settings)))


@pytest.fixture
def daemon_home(built_platform, settings):
    with own_dagster_database(settings, "gtest_genims_dagster_daemon"):
        home = Path(tempfile.mkdtemp(prefix="gtest-daemon-home-"))
        shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
        (home / "workspace.yaml").write_text(WORKSPACE.format(repo=REPO))
        env = {**os.environ, "DAGSTER_HOME": str(home)}
        with open(home / "daemon.log", "w") as log:
            daemon = subprocess.Popen([str(BIN / "dagster-daemon"), "run", "-w", str(home / "workspace.yaml")],
                                      cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield home, env
        finally:
            stop_process_group(daemon, timeout=60)
            shutil.rmtree(home, ignore_errors=True)


def _launch(home: Path, env: dict, marker: str) -> None:
    request = hourly_request(DAILY, datetime.now(UTC).replace(minute=0, second=0, microsecond=0))
    done = subprocess.run(
        [str(BIN / "dagster"), "job", "launch", "-w", str(home / "workspace.yaml"), "-j", JOB_NAMES[DAILY],
         "--config-json", json.dumps(request.run_config), "--tags", json.dumps({**request.tags, "gtest": marker})],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def _run(instance: dg.DagsterInstance, marker: str, until) -> dg.DagsterRun:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        runs = instance.get_runs(filters=dg.RunsFilter(tags={"gtest": marker}))
        if runs and until(runs[0]):
            return runs[0]
        time.sleep(0.2)
    raise AssertionError(f"no run tagged {marker} reached the state wanted in {WAIT_SECONDS} s: {runs}")


def _failures(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    kinds = {dg.DagsterEventType.STEP_FAILURE, dg.DagsterEventType.RUN_FAILURE, dg.DagsterEventType.ENGINE_EVENT}
    return [f"{e.step_key}: {e.message} {e.dagster_event.event_specific_data}"[:3000]
            for e in instance.all_logs(run_id, of_type=kinds)]


def _steps(instance: dg.DagsterInstance, run_id: str, kind: dg.DagsterEventType) -> set[str]:
    return {e.step_key for e in instance.all_logs(run_id, of_type=kind)}


def test_the_daemon_runs_the_hourly_daily_run_in_threads_and_a_termination_cuts_no_step(daemon_home):
    home, env = daemon_home
    daily = [t for t in REPORTING_TABLES if t.partitioned and t.cadence == DAILY]
    with dg.DagsterInstance.from_config(str(home)) as instance:
        _launch(home, env, "whole")
        run = _run(instance, "whole", lambda r: r.status in ENDED)
        assert run.status == dg.DagsterRunStatus.SUCCESS, _failures(instance, run.run_id)
        messages = [e.message or "" for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT)]
        (started,) = [m for m in messages if "in up to 2 threads of process" in m]
        worker = int(started.rsplit(" ", 1)[1])
        assert worker != os.getpid(), "the run executed in a run worker process of its own"
        materialized = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
        assert len(materialized) == 2 * len(daily)

        _launch(home, env, "stopped")
        run = _run(instance, "stopped", lambda r: r.status == dg.DagsterRunStatus.STARTED)
        assert instance.run_launcher.terminate(run.run_id)
        run = _run(instance, "stopped", lambda r: r.status in ENDED)
        assert run.status == dg.DagsterRunStatus.CANCELED
        started = _steps(instance, run.run_id, dg.DagsterEventType.STEP_START)
        finished = _steps(instance, run.run_id, dg.DagsterEventType.STEP_SUCCESS)
        assert started == finished, "a step that started was allowed to finish"
        assert len(started) < len(daily), "no step starts after the termination"
