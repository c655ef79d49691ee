"""Servers the tests start: stopping them. No side effects on import (unlike conftest.py, which sets the test
environment): a code location the tests load in a daemon's code server may import it."""

from __future__ import annotations

import os
import signal
import subprocess


def stop_process_group(process: subprocess.Popen, timeout: float = 20) -> None:
    """Stop a server a test started in a session of its own (start_new_session=True), with its children."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)
