"""The Dagster webserver on the PostgreSQL-backed instance (dagster.yaml): its GraphQL API, and its UI as
a data engineer sees it in Debian's chromium (headless, driven through chromedriver's WebDriver API)."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from genims_assets.defs.reporting.assets import build_reporting_asset, freshness_checks
from genims_assets.defs.reporting.tables import REPORTING_TABLES
from genims_assets.defs.sources.assets import source_group
from genims_assets.resources import build_resources
from genims_assets.settings import SOURCE_DATABASES
from genims_assets_tests.conftest import REPO
from genims_assets_tests.processes import stop_process_group
from genims_assets_tests.test_audit_store import own_dagster_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# Unpartitioned (year to date): one run loads it and evaluates its checks.
UI_ASSET = "customer_performance"
UI_DATABASE = "gtest_genims_dagster_ui"
UI_TIMEOUT = 120  # seconds for a page to show its data: the webserver shares 2 cores with the code server

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
def dagster_home(settings, tmp_path_factory) -> Iterator[Path]:
    """A DAGSTER_HOME with the project's dagster.yaml on a Dagster database of its own, new for each run of the
    module: what the UI shows (a check's result against the previous load) must not depend on earlier runs."""
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    with own_dagster_database(settings, UI_DATABASE):
        yield home


@pytest.fixture(scope="module")
def webserver(built_platform, dagster_home):
    home = dagster_home
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
        stop_process_group(process)
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


@pytest.fixture(scope="module")
def reporting_asset(settings):
    spec = next(t for t in REPORTING_TABLES if t.name == UI_ASSET)
    return spec, build_reporting_asset(spec, settings, settings.reporting_start_date)


@pytest.fixture(scope="module")
def materialised(built_platform, reporting_asset, settings, dagster_home) -> dg.ExecuteInProcessResult:
    """The reporting table loaded once on the webserver's instance, as its hourly job would."""
    _, asset = reporting_asset
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        result = dg.materialize([asset], resources=build_resources(settings), instance=instance)
    assert result.success
    return result


class Browser:
    """One chromium session, through the W3C WebDriver protocol (JSON over HTTP) that chromedriver serves."""

    def __init__(self, session_url: str) -> None:
        self.session_url = session_url

    def open(self, url: str) -> None:
        webdriver("POST", f"{self.session_url}/url", {"url": url})

    def text(self) -> str:
        return webdriver(
            "POST", f"{self.session_url}/execute/sync", {"script": "return document.body.innerText", "args": []}
        )

    def wait_for(self, *patterns: str) -> str:
        """The page's text once every pattern (a regular expression) is in it: the UI fills in as GraphQL answers."""
        deadline = time.monotonic() + UI_TIMEOUT
        while True:
            text = self.text()
            missing = [p for p in patterns if not re.search(p, text, re.MULTILINE)]
            if not missing:
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"after {UI_TIMEOUT}s the page still lacks {missing}; it shows:\n{text[:3000]}")
            time.sleep(0.5)

    def screenshot(self, path: Path) -> Path:
        path.write_bytes(base64.b64decode(webdriver("GET", f"{self.session_url}/screenshot")))
        return path


def webdriver(method: str, url: str, body: dict | None = None):
    request = urllib.request.Request(
        url,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=UI_TIMEOUT) as response:
            return json.loads(response.read())["value"]
    except urllib.error.HTTPError as error:  # WebDriver errors come back as JSON: say what chromedriver said
        raise AssertionError(f"WebDriver {method} {url}: {error.read().decode(errors='replace')[:2000]}") from None


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} not found: the UI test drives Debian's chromium. Run ./scripts/test, which "
            "installs it, or: apt-get install chromium chromium-driver",
            pytrace=False,
        )
    port = free_port()
    driver = subprocess.Popen(
        [str(CHROMEDRIVER), f"--port={port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if webdriver("GET", f"{base}/status")["ready"]:
                    break
            except OSError:
                if driver.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"chromedriver did not start on port {port}") from None
            time.sleep(0.2)
        options = {
            "binary": str(CHROMIUM),
            # --no-sandbox: chromium refuses to run as root (CI) with its sandbox. --disable-dev-shm-usage:
            # containers' /dev/shm is small, and Debian's launcher fails to detect it on some mounts.
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--window-size=1600,1000",
            ],
        }
        capabilities = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}}
        session_url = f"{base}/session/{webdriver('POST', f'{base}/session', capabilities)['sessionId']}"
        try:
            yield Browser(session_url)
        finally:
            webdriver("DELETE", session_url)
    finally:
        driver.terminate()
        try:
            driver.wait(timeout=20)
        except subprocess.TimeoutExpired:
            driver.kill()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_the_asset_page_shows_a_loaded_reporting_table_with_its_passing_checks(
    webserver, reporting_asset, materialised, tmp_path
):
    spec, asset = reporting_asset
    rows = materialised.asset_materializations_for_node(asset.node_def.name)[0].metadata["dagster/row_count"].value
    evaluated = [check.name for check in asset.check_specs]
    freshness = [key.name for checks in freshness_checks([asset]) for key in checks.check_keys]
    page = f"http://127.0.0.1:{webserver}/assets/reporting/{UI_ASSET}"
    with chromium() as browser:
        browser.open(page)
        text = browser.wait_for(
            rf"^{UI_ASSET}$",
            r"^Latest materialization$",
            rf"^Row count\s+{rows:,}$",
            rf"^Group\s+{spec.group}$",
            r"^Code location\s+genims_insights$",
        )
        assert "Never materialized" not in text
        browser.open(f"{page}?view=checks")
        browser.wait_for(
            rf"^Checks \({len(evaluated) + len(freshness)}\)$",
            *(rf"^{name}\s+Succeeded$" for name in evaluated),
            *(rf"^{name}$" for name in freshness),
        )
        screenshot = browser.screenshot(tmp_path / f"{UI_ASSET}_checks.png")
    data = screenshot.read_bytes()
    width, height = png_size(data)
    assert width >= 1200 and height >= 700, (width, height)
    # A blank page of that size is about 6 KB; the checks page with its text about 80 KB.
    assert len(data) > 30_000, f"{screenshot}: {len(data)} bytes, is the page empty?"


def test_the_lineage_shows_the_source_and_reporting_groups(webserver):
    groups = [source_group(short) for short in SOURCE_DATABASES] + sorted({t.group for t in REPORTING_TABLES})
    with chromium() as browser:
        browser.open(f"http://127.0.0.1:{webserver}/asset-groups")
        browser.wait_for(r"^Global asset lineage$", *(rf"^{group}$" for group in groups))
