"""The same L2 sweep (5 factors × 3 replicates, 2 epochs, full data) trained by the local
executor and by Ray on this one machine, taking turns; and what a full 40-epoch sweep would
take on k machines like this one (a projection from measured parts).

Run: MNIST_NPZ=../shared/data/mnist.npz python benchmarks/ray_sweep.py [--repeats 2]
It starts its own 2-CPU Ray head on loopback, inside a network namespace with only loopback
(it re-runs itself under `unshare --net` when needed, as root): Ray probes public addresses
to find its own, and nothing may leave this machine. Usage statistics are off.
Last line: {"local_seconds", "ray_seconds", "ray_vs_local", "projected_full_sweep_minutes"}
"""

import argparse
import json
import math
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import peak

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MNIST_LAB_OFFLINE", "1")
os.environ["RAY_USAGE_STATS_ENABLED"] = "0"

FACTORS, REPLICATES, EPOCHS, FULL_EPOCHS = 5, 3, 2, 40
LONGER_EPOCHS = 4  # a second Ray sweep, so the time of one epoch of a stack is measured


def in_loopback_namespace() -> None:
    """Re-run this script in a network namespace of its own, with only loopback up."""
    from tests.ray_cluster import loopback_only

    if loopback_only():
        return
    command = shlex.join([sys.executable, *sys.argv])
    print("re-running in a loopback-only network namespace (unshare --net)", flush=True)
    status = subprocess.call(["unshare", "--net", "sh", "-c",
                              f"ip link set lo up && exec {command}"])
    sys.exit(status if status != 1 else "unshare --net failed: run it as root")


def spec(epochs: int):
    """The assignment's sweep (its factors, replicates and network) at `epochs`."""
    from mnist_core.sweep.spec import SweepSpec

    assembled = SweepSpec(epochs=epochs)
    assert (len(assembled.factors), assembled.replicates) == (FACTORS, REPLICATES)
    return assembled


def timed_sweep(mnist, epochs: int, executor=None) -> tuple[float, list[float]]:
    """Seconds of sweep.run in a fresh home, and its test means (to compare the two)."""
    from mnist_core import sweep
    from mnist_core.store import Registry

    with tempfile.TemporaryDirectory() as home:
        registry = Registry(home)
        sweep_id = sweep.start(registry, spec(epochs), "bench")
        started = time.perf_counter()
        finished = sweep.run(registry, sweep_id, mnist,
                             executor=executor(sweep_id) if executor else None)
        seconds = time.perf_counter() - started
        assert finished.state == "done", finished.error
        return seconds, sweep.cli_result(registry, sweep_id)["mean_accuracy"]


def report_round_trip_ms(cluster, reports: int = 300) -> float:
    """What one epoch report costs a task: the mean of `reports` sends from a task."""
    import ray

    from mnist_core.cluster.tasks import Reporter

    @ray.remote(num_cpus=1)
    def send_many(queue, count):
        reporter = Reporter(queue, "bench")
        started = time.perf_counter()
        for epoch in range(count):
            reporter.send("epoch", {"epoch": epoch, "loss": 0.1, "accuracy": 0.9,
                                    "val_loss": 0.1, "val_accuracy": 0.9})
        return (time.perf_counter() - started) / count * 1000

    mean_ms = ray.get(send_many.remote(cluster.reports, reports))
    cluster.reports.get_nowait_batch(cluster.reports.qsize())
    return mean_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="runs per side, taking turns")
    arguments = parser.parse_args()
    in_loopback_namespace()
    from mnist_core import data
    from mnist_core.cluster import jobs
    from mnist_core.cluster.connection import connect
    from mnist_core.sweep.executor import DEFAULT_STACK_SIZE
    from tests.ray_cluster import local_head

    mnist = data.load_mnist()
    print(f"data: {mnist.source}; {FACTORS} factors × {REPLICATES} replicates × {EPOCHS} "
          f"epochs, stacks of {DEFAULT_STACK_SIZE}; load {os.getloadavg()[0]:.1f}", flush=True)
    with local_head(cpus=os.cpu_count() or 2) as head:
        started = time.perf_counter()
        cluster = connect(head.address)
        cluster.mnist(mnist)
        connect_seconds = time.perf_counter() - started
        mailroom = jobs.Mailroom(cluster)

        def on_ray(sweep_id):
            return jobs.RayExecutor(cluster, mailroom, mnist, sweep_id)

        local, ray_side, means = [], [], {}
        for repeat in range(arguments.repeats):
            seconds, means["local"] = timed_sweep(mnist, EPOCHS)
            local.append(seconds)
            seconds, means["ray"] = timed_sweep(mnist, EPOCHS, on_ray)
            ray_side.append(seconds)
            print(f"  round {repeat + 1}: local {local[-1]:.1f} s, ray {ray_side[-1]:.1f} s",
                  flush=True)
        longer, _ = timed_sweep(mnist, LONGER_EPOCHS, on_ray)
        report_ms = report_round_trip_ms(cluster)
        cluster.close()

    networks = FACTORS * REPLICATES
    stacks = math.ceil(networks / DEFAULT_STACK_SIZE)
    ray_seconds = statistics.median(ray_side)
    # One node trains its stacks one after another: per stack, a fixed part and an epoch.
    epoch_per_stack = (longer - ray_seconds) / ((LONGER_EPOCHS - EPOCHS) * stacks)
    full_stack = ray_seconds / stacks + (FULL_EPOCHS - EPOCHS) * epoch_per_stack
    projected = {str(k): round((connect_seconds + math.ceil(networks / (
        k * DEFAULT_STACK_SIZE)) * full_stack) / 60, 2) for k in (1, 2, 4, 8)}
    local_seconds = statistics.median(local)
    print(f"local executor: {peak.spread(local, ' s')}")
    print(f"ray executor:   {peak.spread(ray_side, ' s')} (connecting and putting MNIST in "
          f"the object store once: {connect_seconds:.1f} s, not counted)")
    print(f"test means equal: {means['ray'] == means['local']}")
    print(f"ray {LONGER_EPOCHS}-epoch sweep: {longer:.1f} s, so one epoch of a stack of "
          f"{DEFAULT_STACK_SIZE} takes {epoch_per_stack:.2f} s on one node")
    print(f"an epoch report from a task to the dispatcher: {report_ms:.2f} ms")
    print(f"speed, ray against local: {local_seconds / ray_seconds:.2f}x (target >= 0.8)")
    print("PROJECTION of the full 40-epoch sweep on k nodes like this one "
          f"(connect + ceil({networks}/(k·{DEFAULT_STACK_SIZE})) stacks of "
          f"{full_stack:.0f} s): " + ", ".join(f"k={k}: {minutes} min"
                                              for k, minutes in projected.items()))
    print(json.dumps({"local_seconds": round(local_seconds, 2),
                      "ray_seconds": round(ray_seconds, 2),
                      "ray_vs_local": round(local_seconds / ray_seconds, 3),
                      "projected_full_sweep_minutes": projected,
                      "connect_seconds": round(connect_seconds, 2),
                      "epoch_report_ms": round(report_ms, 3),
                      "local_spread": [round(min(local), 2), round(max(local), 2)],
                      "ray_spread": [round(min(ray_side), 2), round(max(ray_side), 2)]}))


if __name__ == "__main__":
    main()
