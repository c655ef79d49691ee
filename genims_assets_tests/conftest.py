"""Test fixtures: every test database (and audit account) is named gtest_*, so a developer's platform is never touched.

The variables are set before anything reads the settings. Database tests talk
to the machine's real PostgreSQL and MySQL/MariaDB (see README).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from genims_assets.settings import SOURCE_DATABASES

TEST_PREFIX = "gtest_"
for _short, _name in SOURCE_DATABASES.items():
    os.environ[f"POSTGRES_DB_{_short.upper()}"] = TEST_PREFIX + _name
os.environ["MYSQL_REPORTING_DB"] = TEST_PREFIX + "genims_reporting_db"
os.environ["MYSQL_AUDIT_DB"] = TEST_PREFIX + "genims_audit_db"
os.environ["DAGSTER_PG_DB"] = TEST_PREFIX + "genims_dagster"


def _test_passwords() -> dict[str, str]:
    """Random passwords for the test platform's audit accounts, kept in a private file (0600) in the temp folder.

    MySQL accounts are server-wide: every test session on this machine must use the same passwords, or one
    session's `genims setup` would lock the other's connections out. Nothing secret lives in the code.
    """
    path = Path(tempfile.gettempdir()) / f"genims-test-audit-accounts-{os.getuid()}.json"
    if not path.exists():
        fd, draft = tempfile.mkstemp(dir=path.parent, prefix=".genims-test-")
        with os.fdopen(fd, "w") as handle:  # mkstemp creates it 0600
            json.dump({role: secrets.token_urlsafe(18) for role in ("shipper", "reader", "retention")}, handle)
        try:
            os.link(draft, path)  # atomic: the first session's file wins
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    return json.loads(path.read_text())


# The test platform's audit accounts: names of their own (never a developer's genims_audit_* accounts).
_PASSWORDS = _test_passwords()
for _variable, _user, _role in (
    ("MYSQL_AUDIT", TEST_PREFIX + "audit_shipper", "shipper"),
    ("MYSQL_AUDIT_READER", TEST_PREFIX + "audit_reader", "reader"),
    ("MYSQL_AUDIT_RETENTION", TEST_PREFIX + "audit_retention", "retention"),
):
    os.environ[f"{_variable}_USER"] = _user
    os.environ[f"{_variable}_PASSWORD"] = _PASSWORDS[_role]
# dagster.yaml reads these; scripts/test exports them too, this covers a bare `pytest`.
for _name, _default in (
    ("POSTGRES_HOST", "127.0.0.1"),
    ("POSTGRES_PORT", "5432"),
    ("POSTGRES_USER", "postgres"),
    ("POSTGRES_PASSWORD", ""),
    ("POSTGRES_SSL_MODE", "prefer"),
):
    os.environ.setdefault(_name, _default)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
TEST_SCALE = "0.05"
TEST_DAYS = "30"
TEST_SEED = "7"


def genims(*args: str, env: dict | None = None, check: bool = False) -> subprocess.CompletedProcess:
    """Run the real `genims` command of this environment; output captured as text."""
    command = [str(Path(sys.executable).with_name("genims")), *args]
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=REPO, env={**os.environ, **(env or {})}, timeout=600
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def settings():
    from genims_assets.settings import load_settings

    return load_settings()


@pytest.fixture(scope="session")
def built_platform(settings):
    """The whole platform built once per test session at test scale, from scratch."""
    result = genims(
        "setup", "--scale", TEST_SCALE, "--days", TEST_DAYS, "--seed", TEST_SEED, "--reset", "--yes", check=True
    )
    return result
