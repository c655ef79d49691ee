"""A Dagster executor that runs a run's steps in threads of its run worker, a few at a time.

Why: an hourly refresh is many short steps (0.05-2 s each) whose time is mostly spent waiting on PostgreSQL and
MySQL. In one process (Dagster's in_process executor) they wait one after the other; in a process each (its
multiprocess executor) every step first pays ~2.8 CPU seconds of Python, Dagster and code-location start-up,
which is also what each extra run costs. Threads let two steps wait at once in one run worker: the daily tables
refresh in one run instead of two, and the tick saves a run worker's start-up.

How: the same plan execution as the in_process executor (one log capture for the run, the same step events,
hooks, retries and pools), with up to `max_concurrent` steps executing at once, each in a thread of its own. Only
the run's own thread touches the plan's state: the step threads hand their events to it through a queue.

What it is not for: long steps. A thread cannot be stopped half-way: when the run is terminated, the steps that
are running finish, none is started, and the run then ends as interrupted. Backfills keep the multiprocess
executor, whose step processes can be terminated.

It drives Dagster's own plan execution (the functions its in_process executor uses), which is internal API:
dagster is pinned in pyproject.toml, and genims_assets_tests/test_threaded_executor.py says when an upgrade
changes it.

Selected in run config like Dagster's own executors (`threaded_or_default_executor` below):

    execution:
      config:
        threads:
          max_concurrent: 2
"""

from __future__ import annotations

import os
import queue
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from functools import partial

import dagster as dg
from dagster._core.definitions.executor_definition import (
    IN_PROC_CONFIG,
    MULTI_PROC_CONFIG,
    _core_in_process_executor_creation,
    _core_multiprocess_executor_creation,
    _get_default_executor_requirements,
)
from dagster._core.errors import DagsterExecutionInterruptedError
from dagster._core.events import DagsterEvent, EngineEventData
from dagster._core.execution.api import ExecuteRunWithPlanIterable
from dagster._core.execution.compute_logs import create_compute_log_file_key
from dagster._core.execution.context.system import PlanExecutionContext, PlanOrchestrationContext
from dagster._core.execution.context_creation_job import PlanExecutionContextManager
from dagster._core.execution.plan.execute_plan import (
    _handle_compute_log_setup_error,
    _handle_compute_log_teardown_error,
    _trigger_hook,
    dagster_event_sequence_for_step,
)
from dagster._core.execution.plan.instance_concurrency_context import InstanceConcurrencyContext
from dagster._core.execution.plan.plan import ExecutionPlan
from dagster._core.execution.retries import RetryMode, get_retries_config
from dagster._core.executor.base import Executor

DEFAULT_MAX_CONCURRENT = 2
# How often the run's thread looks up from the step threads' queue: for a termination request, which Dagster
# records as a flag while the run executes.
POLL_SECONDS = 0.2

THREADS_CONFIG = dg.Field(
    {
        "max_concurrent": dg.Field(
            int, default_value=DEFAULT_MAX_CONCURRENT, description="Steps executing at once (threads)."
        ),
        "retries": get_retries_config(),
    },
    description="Execute the steps in threads of the run worker, max_concurrent at once.",
)


class ThreadedExecutor(Executor):
    def __init__(self, retries: RetryMode, max_concurrent: int = DEFAULT_MAX_CONCURRENT):
        if max_concurrent < 1:
            raise dg.DagsterInvalidConfigError(
                f"threads executor: max_concurrent must be at least 1, not {max_concurrent}", [], max_concurrent
            )
        self._retries = retries
        self.max_concurrent = max_concurrent

    @property
    def retries(self) -> RetryMode:
        return self._retries

    def execute(self, plan_context: PlanOrchestrationContext, execution_plan: ExecutionPlan) -> Iterator[DagsterEvent]:
        steps = execution_plan.step_keys_to_execute
        yield DagsterEvent.engine_event(
            plan_context,
            f"Executing steps in up to {self.max_concurrent} threads of process {os.getpid()}",
            event_specific_data=EngineEventData.in_process(os.getpid(), steps),
        )
        yield from iter(
            ExecuteRunWithPlanIterable(
                execution_plan=plan_context.execution_plan,
                iterator=partial(threaded_execution_iterator, max_concurrent=self.max_concurrent),
                execution_context_manager=PlanExecutionContextManager(
                    job=plan_context.job,
                    retry_mode=plan_context.retry_mode,
                    execution_plan=plan_context.execution_plan,
                    run_config=plan_context.run_config,
                    dagster_run=plan_context.dagster_run,
                    instance=plan_context.instance,
                    raise_on_error=plan_context.raise_on_error,
                    output_capture=plan_context.output_capture,
                ),
            )
        )
        yield DagsterEvent.engine_event(
            plan_context,
            f"Finished steps in threads of process {os.getpid()}",
            event_specific_data=EngineEventData.in_process(os.getpid(), steps),
        )


def _execute_step(step_context, out: queue.Queue) -> None:
    """A step thread: the step's events into `out`, then ("done", key, None or the error that escaped Dagster)."""
    key = step_context.step.key
    try:
        for event in dagster_event_sequence_for_step(step_context):
            out.put(("event", key, event))
    except BaseException as error:  # noqa: BLE001 - handed to the run's thread, which raises it
        out.put(("done", key, error))
        return
    out.put(("done", key, None))


def threaded_execution_iterator(
    job_context: PlanExecutionContext, execution_plan: ExecutionPlan, max_concurrent: int
) -> Iterator[DagsterEvent]:
    compute_log_manager = job_context.instance.compute_log_manager
    step_keys = [step.key for step in execution_plan.get_steps_to_execute_in_topo_order()]
    with ExitStack() as stack:
        concurrency = stack.enter_context(InstanceConcurrencyContext(job_context.instance, job_context.dagster_run))
        active = stack.enter_context(
            execution_plan.start(
                retry_mode=job_context.retry_mode,
                instance_concurrency_context=concurrency,
                step_dependency_config=job_context.step_dependency_config,
            )
        )
        capture = stack.enter_context(ExitStack())
        log_key = compute_log_manager.build_log_key_for_run(job_context.run_id, create_compute_log_file_key())
        try:  # one capture of the process's output for the whole run, as the in_process executor does
            log_context = capture.enter_context(compute_log_manager.capture_logs(log_key))
            yield DagsterEvent.capture_logs(job_context, step_keys, log_key, log_context)
        except Exception:
            yield from _handle_compute_log_setup_error(job_context, sys.exc_info())

        events: queue.Queue = queue.Queue()
        running: dict[str, tuple] = {}  # step key -> (step context, its events so far)
        stopping = False
        with ThreadPoolExecutor(max_workers=max_concurrent, thread_name_prefix="genims-step") as threads:
            try:
                while running or (not stopping and not active.is_complete):
                    if not stopping and active.check_for_interrupts():
                        stopping = True
                        active.mark_interrupted()
                        yield DagsterEvent.engine_event(
                            job_context,
                            f"Termination requested: waiting for the {len(running)} running step(s) to finish; "
                            "no other step starts",
                            EngineEventData.interrupted(list(running)),
                        )
                    while not stopping and len(running) < max_concurrent:
                        ready = active.get_steps_to_execute(limit=max_concurrent - len(running))
                        yield from active.concurrency_event_iterator(job_context)
                        if not ready:
                            break
                        for step in ready:
                            step_context = job_context.for_step(step, active.get_known_state())
                            missing = [k for k in step_context.required_resource_keys
                                       if not hasattr(step_context.resources, k)]
                            if missing:
                                raise dg.DagsterInvariantViolationError(
                                    f"step {step.key} lacks the resources {missing}")
                            running[step.key] = (step_context, [])
                            threads.submit(_execute_step, step_context, events)
                    if not running:
                        if not stopping:
                            active.sleep_til_ready()
                        continue
                    try:
                        kind, key, payload = events.get(timeout=POLL_SECONDS)
                    except queue.Empty:
                        continue
                    step_context, step_events = running[key]
                    if kind == "event":
                        step_events.append(payload)
                        yield payload
                        active.handle_event(payload)
                        continue
                    del running[key]
                    if payload is not None:
                        raise payload
                    active.verify_complete(job_context, key)
                    for event in active.plan_events_iterator(job_context):  # skips after failures
                        step_events.append(event)
                        yield event
                    yield from _trigger_hook(step_context, step_events)
            except BaseException:
                stopping = True  # the pool's exit waits for the running steps: their events are written already
                raise
        if stopping:
            raise DagsterExecutionInterruptedError()
        try:
            capture.close()
        except Exception:
            yield from _handle_compute_log_teardown_error(job_context, sys.exc_info())


@dg.executor(
    name="threaded_or_default_executor",
    config_schema=dg.Field(
        dg.Selector({"multiprocess": MULTI_PROC_CONFIG, "in_process": IN_PROC_CONFIG, "threads": THREADS_CONFIG}),
        default_value={"multiprocess": {}},
    ),
    requirements=_get_default_executor_requirements,
)
def threaded_or_default_executor(init_context) -> Executor:
    """Dagster's default executor (a process per step, or every step in the run worker) or steps in threads of
    the run worker (`threads`, for runs of many short steps: see genims_assets/threaded_executor.py)."""
    config = init_context.executor_config
    if "threads" in config:
        threads = config["threads"]
        return ThreadedExecutor(RetryMode.from_config(threads["retries"]), threads["max_concurrent"])
    if "in_process" in config:
        return _core_in_process_executor_creation(config["in_process"])
    return _core_multiprocess_executor_creation(config["multiprocess"])
