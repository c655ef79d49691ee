"""The Dagster webserver on the PostgreSQL-backed instance (dagster.yaml) shows the 13 source groups."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from genims_assets.defs.sources.assets import source_group
from genims_assets.settings import SOURCE_DATABASES
from genims_assets_tests.conftest import REPO

GROUPS_QUERY = """
{ assetNodes { groupName assetKey { path } isObservable }
  repositoriesOrError { ... on RepositoryConnection { nodes { name location { name }
      schedules { name scheduleState { status } } } } } }
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]


@pytest.fixture(scope="module")
def webserver(built_platform, tmp_path_factory):
    home: Path = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    port = free_port()
    log = (home / "webserver.log").open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster-webserver")), "-h", "127.0.0.1", "-p", str(port),
         "-w", "workspace.yaml"],
        cwd=REPO, env={**os.environ, "DAGSTER_HOME": str(home)}, stdout=log, stderr=subprocess.STDOUT,
        restore_signals=True, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError((home / "webserver.log").read_text()[-3000:]) from None
                time.sleep(0.5)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def test_the_ui_shows_the_thirteen_source_groups(webserver):
    data = graphql(webserver, GROUPS_QUERY)
    nodes = data["assetNodes"]
    groups = {n["groupName"] for n in nodes if n["assetKey"]["path"][0] == "source"}
    assert groups == {source_group(short) for short in SOURCE_DATABASES}
    assert sum(1 for n in nodes if n["assetKey"]["path"][0] == "source" and n["isObservable"]) == 256
    repository = data["repositoriesOrError"]["nodes"][0]
    assert repository["location"]["name"] == "genims_insights"
    schedules = {s["name"]: s["scheduleState"]["status"] for s in repository["schedules"]}
    assert schedules["observe_sources_every_15_minutes"] == "RUNNING"
