"""The `genims` command: set up, verify and check the platform's databases."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime

import click

from genims_assets.connections import ConnectionFailed
from genims_assets.settings import Settings, SettingsError, load_settings


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def _echo_and_log(settings: Settings, command: str):
    """click.echo that also appends each line to ETL_LOG_DIR/genims.log (the platform's own log)."""
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger(f"genims.{command}")
    if not logger.handlers:
        handler = logging.FileHandler(settings.log_dir / "genims.log", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False

    def echo(line: str) -> None:
        click.echo(line)
        logger.info(line)

    return echo


def _fail_on_connection_errors(func):
    """Turn a down server or a schema mismatch into a one-paragraph error, not a traceback."""
    from functools import wraps

    from genims_assets.audit.capture import CaptureError
    from genims_assets.platform_setup.mysql_schema import SchemaMismatch
    from genims_assets.platform_setup.sources import StructureMismatch

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (ConnectionFailed, StructureMismatch, SchemaMismatch, CaptureError) as error:
            raise click.ClickException(str(error)) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """GenIMS Insights: reporting, analytics and audit over the GenIMS databases.

    Configuration comes from the environment and from .env in the current
    folder (see .env.example).
    """


def _utc_datetime(_ctx, _param, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date-time such as 2026-11-24T16:00") from None
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


@main.command()
@click.option(
    "--scale",
    type=click.FloatRange(min=0, min_open=True, max=100),
    default=1.0,
    show_default=True,
    help="Data volume: 1 is about the public GenIMS run (~400k rows); 0.05 for tests; 10 for benchmarks.",
)
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed: the same seed gives the same data.")
@click.option(
    "--days",
    type=click.IntRange(1, 730),
    default=90,
    show_default=True,
    help="Length of the generated history, in days, ending at --end.",
)
@click.option(
    "--end",
    callback=_utc_datetime,
    default=None,
    help="End of the generated window (ISO date-time, UTC). Default: the current hour.",
)
@click.option(
    "--reset", is_flag=True, help="Drop and rebuild the source and reporting databases (and an empty audit database)."
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation of --reset.")
@_fail_on_connection_errors
def setup(scale: float, seed: int, days: int, end: datetime | None, reset: bool, yes: bool) -> None:
    """Build everything: the 13 source databases with synthetic data, both MySQL databases, then verify.

    Idempotent: on a built system it changes nothing and says so. A database
    whose structure differs is never altered: the command stops and names it.
    """
    from genims_assets.platform_setup.build import run_setup

    settings = _settings()
    if reset and not yes:
        click.confirm(
            "--reset drops and rebuilds the 13 source databases and the reporting database "
            f"on {settings.postgres.address} and {settings.reporting.address}. Continue?",
            abort=True,
        )
    echo = _echo_and_log(settings, "setup")
    echo(f"genims setup --scale {scale:g} --seed {seed} --days {days}" + (" --reset" if reset else ""))
    ok = run_setup(settings, scale=scale, seed=seed, days=days, end=end, reset=reset, echo=echo)
    if not ok:
        sys.exit(1)


@main.command()
@_fail_on_connection_errors
def verify() -> None:
    """Check that every database, table, column, index and partition is as the project's SQL files say.

    Exits non-zero and lists what is missing or different when anything is.
    """
    from genims_assets.platform_setup.verify import verify as run_verify

    report = run_verify(_settings())
    for line in report.checked:
        click.echo(f"checked  {line}")
    if report.ok:
        click.echo("verify: everything is in place")
        return
    click.echo(f"verify: {len(report.problems)} problems", err=True)
    for problem in report.problems:
        click.echo(f"  - {problem}", err=True)
    sys.exit(1)


@main.command("test-connection")
def test_connection() -> None:
    """Connect to every source database and both MySQL databases: one line each.

    Shows reachability, server version, TLS and latency; exits non-zero if any fails.
    """
    from genims_assets.platform_setup.connection_check import check_connections

    results = check_connections(_settings())
    for result in results:
        click.echo(result.line())
    failed = [r for r in results if not r.ok]
    if failed:
        click.echo(f"{len(failed)} of {len(results)} connections failed", err=True)
        sys.exit(1)
    click.echo(f"all {len(results)} connections ok")


def _add_groups() -> None:
    from genims_assets.audit.commands import GROUPS

    for group in GROUPS:
        main.add_command(group)


_add_groups()
