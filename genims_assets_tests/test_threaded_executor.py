"""The threads executor (genims_assets/threaded_executor.py): steps of one run execute at the same time in threads
of the run worker, at most max_concurrent of them, after the steps they depend on; a failure fails its step and
skips what depends on it; a termination request lets the running steps finish and starts no other."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.definitions.reconstruct import ReconstructableRepository

from genims_assets.threaded_executor import threaded_or_default_executor

REPO = Path(__file__).resolve().parents[1]
MEETING_TIMEOUT = 10  # seconds two steps wait for each other at the barrier before the test fails
_barrier = threading.Barrier(2)
_seen: dict[str, tuple[float, float, str]] = {}  # step -> (start, end, thread name)


def _record(name: str, work) -> None:
    start = time.monotonic()
    try:
        work()
    finally:
        _seen[name] = (start, time.monotonic(), threading.current_thread().name)


@dg.asset
def meets_b():
    """Passes only if meets_a reaches the barrier while it waits: both execute at the same time."""
    _record("meets_b", lambda: _barrier.wait(MEETING_TIMEOUT))


@dg.asset
def meets_a():
    _record("meets_a", lambda: _barrier.wait(MEETING_TIMEOUT))


@dg.asset(deps=[meets_a, meets_b])
def after_both():
    _record("after_both", lambda: None)


@dg.asset
def sleeps_1():
    _record("sleeps_1", lambda: time.sleep(0.3))


@dg.asset
def sleeps_2():
    _record("sleeps_2", lambda: time.sleep(0.3))


@dg.asset
def sleeps_3():
    _record("sleeps_3", lambda: time.sleep(0.3))


@dg.asset(check_specs=[dg.AssetCheckSpec("positive", asset="checked_daily")],
          partitions_def=dg.DailyPartitionsDefinition(start_date="2026-01-01"),
          backfill_policy=dg.BackfillPolicy.single_run())
def checked_daily(context):
    keys = context.partition_keys
    return dg.MaterializeResult(metadata={"days": len(keys)},
                                check_results=[dg.AssetCheckResult(check_name="positive", passed=len(keys) > 0)])


@dg.asset
def fails():
    raise ValueError("a source row the transformation cannot take")


@dg.asset(deps=[fails])
def after_failure():
    _record("after_failure", lambda: None)


@dg.asset
def independent():
    _record("independent", lambda: None)


@dg.asset
def asks_to_stop():
    """Sends this process the interrupt a run's termination sends, then takes a moment to finish."""
    os.kill(os.getpid(), signal.SIGINT)
    _record("asks_to_stop", lambda: time.sleep(0.5))


@dg.asset(deps=[asks_to_stop])
def after_stop():
    _record("after_stop", lambda: None)


def _job(name, selection, partitions_def=None):
    return dg.define_asset_job(name, selection=selection, executor_def=threaded_or_default_executor,
                               partitions_def=partitions_def)


@dg.definitions
def probe_defs() -> dg.Definitions:
    return dg.Definitions(
        assets=[meets_a, meets_b, after_both, sleeps_1, sleeps_2, sleeps_3, checked_daily, fails, after_failure,
                independent, asks_to_stop, after_stop],
        jobs=[
            _job("meeting", [meets_a, meets_b, after_both]),
            _job("sleepers", [sleeps_1, sleeps_2, sleeps_3]),
            _job("checked", [checked_daily]),
            _job("failing", [fails, after_failure, independent]),
            _job("stopping", [asks_to_stop, after_stop]),
        ],
    )


def threads(max_concurrent: int) -> dict:
    return {"execution": {"config": {"threads": {"max_concurrent": max_concurrent}}}}


def execute(job: str, run_config: dict, **kwargs) -> dg.ExecuteJobResult:
    recon = ReconstructableRepository.for_module(
        __name__, "probe_defs", working_directory=str(REPO)
    ).get_reconstructable_job(job)
    _seen.clear()
    _barrier.reset()
    instance = dg.DagsterInstance.ephemeral()
    return dg.execute_job(recon, instance=instance, run_config=run_config, raise_on_error=False, **kwargs)


def test_two_steps_execute_at_the_same_time_and_a_dependent_step_after_both():
    with execute("meeting", threads(2)) as result:
        assert result.success
        assert _seen["after_both"][0] >= max(_seen["meets_a"][1], _seen["meets_b"][1])
        threads_used = {_seen[s][2] for s in ("meets_a", "meets_b")}
        assert len(threads_used) == 2 and all(t.startswith("genims-step") for t in threads_used)
        messages = [e.message for e in result.all_events if e.event_type == dg.DagsterEventType.ENGINE_EVENT]
        assert any("in up to 2 threads" in (m or "") for m in messages)


def test_no_more_steps_than_max_concurrent_execute_at_once():
    with execute("sleepers", threads(2)) as result:
        assert result.success
    spans = sorted((start, end) for start, end, _ in _seen.values())
    overlapping = max(sum(1 for s, e in spans if s <= start < e) for start, _ in spans)
    assert len(spans) == 3 and overlapping == 2


def test_in_process_and_multiprocess_are_still_selectable():
    """The jobs keep Dagster's default executors: multiprocess by default, in_process on request."""
    with execute("meeting", {"execution": {"config": {"in_process": {}}}}) as result:
        assert not result.success, "in one thread the two meeting steps cannot both reach the barrier"
    definitions = probe_defs()
    job = definitions.resolve_job_def("sleepers")
    assert job.executor_def is threaded_or_default_executor
    dg.validate_run_config(job, {})  # the default: {"multiprocess": {}}
    with pytest.raises(dg.DagsterInvalidConfigError):
        dg.validate_run_config(job, {"execution": {"config": {"threads": {"max_concurrent": "two"}}}})


def test_a_partition_range_materialises_every_partition_with_its_check():
    tags = {"dagster/asset_partition_range_start": "2026-01-01", "dagster/asset_partition_range_end": "2026-01-03"}
    with execute("checked", threads(2), tags=tags) as result:
        assert result.success
        partitions = sorted(e.partition for e in result.get_asset_materialization_events())
        assert partitions == ["2026-01-01", "2026-01-02", "2026-01-03"]
        (check,) = result.get_asset_check_evaluations()
        assert check.passed and check.check_name == "positive"


def test_a_failing_step_fails_the_run_skips_its_dependents_and_spares_the_others():
    with execute("failing", threads(2)) as result:
        assert not result.success
        failed = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
        assert [e.step_key for e in failed] == ["fails"]
        assert "a source row the transformation cannot take" in failed[0].step_failure_data.error.to_string()
        started = {e.step_key for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_START}
        assert started == {"fails", "independent"} and set(_seen) == {"independent"}
        step_events = sorted((e.event_type_value, e.step_key) for e in result.all_events if e.step_key)
    with execute("failing", {"execution": {"config": {"in_process": {}}}}) as in_process:
        assert step_events == sorted((e.event_type_value, e.step_key) for e in in_process.all_events if e.step_key)


def test_a_termination_request_lets_the_running_step_finish_and_starts_no_other():
    with execute("stopping", threads(2)) as result:
        assert not result.success
        assert set(_seen) == {"asks_to_stop"}, "the running step finished; the one after it never started"
        done = {e.step_key for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_SUCCESS}
        assert done == {"asks_to_stop"}
        messages = [e.message or "" for e in result.all_events]
        assert any("Termination requested" in m for m in messages)
        assert result.dagster_run.status in (dg.DagsterRunStatus.CANCELED, dg.DagsterRunStatus.FAILURE)
