"""A real local Ray cluster for the tests marked `ray`: `ray start --head --block` with its
own temporary folder and a free port, stopped by the process id it started (never
`ray stop`, which ends every Ray process on the machine).

Ray finds its node address by probing public addresses and reports usage statistics by
default, so these tests run only in a network namespace with nothing but loopback
(`.ci/run` starts them with `unshare -n`), and turn the statistics off besides.
"""

import contextlib
import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

RAY = Path(sys.executable).with_name("ray")
START_SECONDS = 90


def loopback_only() -> bool:
    """This network namespace has no interface but loopback (/proc/net/dev is per namespace;
    /sys/class/net shows the machine's until sysfs is mounted again)."""
    lines = Path("/proc/net/dev").read_text().splitlines()[2:]
    return [line.split(":")[0].strip() for line in lines] == ["lo"]


def skip_unless_loopback_only() -> None:
    if not loopback_only():
        pytest.skip("the Ray tests run in a network namespace with only loopback, so nothing "
                    "leaves this machine: unshare -n sh -c 'ip link set lo up && "
                    "python -m pytest -m ray -n 0' (.ci/run does this)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclasses.dataclass
class Head:
    address: str
    process: subprocess.Popen
    folder: Path

    def stop(self) -> None:
        """End the head and every Ray process it started: they share its process group."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        with contextlib.suppress(ProcessLookupError):  # stragglers of its group, if any
            os.killpg(self.process.pid, signal.SIGKILL)


@contextlib.contextmanager
def local_head(cpus: int = 2):
    """A head node on 127.0.0.1 with `cpus` CPUs; stopped, and its folder removed, after."""
    # Short: Ray's Unix sockets live under it, and their paths must stay under 108 bytes.
    folder = Path(tempfile.mkdtemp(prefix="ray", dir="/tmp"))
    port = free_port()
    log = folder / "head.log"
    environment = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(RAY), "start", "--head", "--block", f"--port={port}", f"--num-cpus={cpus}",
             "--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={folder}",
             "--node-ip-address=127.0.0.1", "--object-store-memory=300000000"],
            stdout=output, stderr=subprocess.STDOUT, env=environment, start_new_session=True)
    head = Head(f"127.0.0.1:{port}", process, folder)
    try:
        deadline = time.monotonic() + START_SECONDS
        while "Ray runtime started" not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Ray head did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield head
    finally:
        head.stop()
        shutil.rmtree(folder, ignore_errors=True)
