"""A real `streamlit run streamlit_app.py` server on a free port, which a test can start,
stop, kill and start again on the same lab home."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.streamlit_health import wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]
SERVER_START_SECONDS = 60
# A page whose script has run to its end (and is not running again).
FINISHED_RUN = "[data-testid='stApp'][data-test-script-state='notRunning']"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class StreamlitServer:
    """The app as `streamlit run` serves it, with `environment` (its lab home) and its
    output appended to `log`. In a process group of its own, with the workers it starts."""

    def __init__(self, environment: dict[str, str], log: Path):
        self.environment, self.log = environment, log
        self.url = f"http://127.0.0.1:{_free_port()}"
        self.process: subprocess.Popen | None = None

    def start(self) -> str:
        """Start it (again on the same port) and return its URL once it is healthy."""
        port = self.url.rsplit(":", 1)[1]
        command = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
                   "--server.headless", "true", "--server.port", port,
                   "--server.address", "127.0.0.1"]
        with self.log.open("a") as log_file:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.environment,
                                            stdout=log_file, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        try:
            self._wait_until_healthy()
        except BaseException:
            self.stop()
            raise
        return self.url

    def stop(self) -> None:
        """Shut it down as Ctrl-C would."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self, with_its_workers: bool = False) -> None:
        """SIGKILL, as a crash: the server alone (its workers are orphaned and go on), or its
        whole process group, workers too (as a power loss would)."""
        if with_its_workers:
            os.killpg(self.process.pid, signal.SIGKILL)
        else:
            self.process.kill()
        self.process.wait()

    def _wait_until_healthy(self) -> None:
        problem = wait_until_healthy(self.process, self.url, SERVER_START_SECONDS)
        if problem:
            pytest.fail(f"{problem}:\n{self.log.read_text()}")
