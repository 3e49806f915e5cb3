"""`--executor` for `train` and `sweep`: the foreground job trains here or on a Ray cluster
(`RAY_ADDRESS`), and its JSON says which."""

import contextlib
import dataclasses
from collections.abc import Callable

from mnist_core import data
from mnist_core.jobs import executors


def add_executor_flag(parser) -> None:
    parser.add_argument("--executor", choices=executors.EXECUTORS, default=None,
                        help="where it trains: here, or on the Ray cluster at RAY_ADDRESS "
                             "(default: ray when RAY_ADDRESS is set, else local; "
                             f"{executors.VARIABLE} too)")


@dataclasses.dataclass(frozen=True)
class Trainers:
    name: str  # executors.LOCAL or executors.RAY, for the JSON's "executor"
    train_run: Callable  # (registry, run_id, echo) -> the finished Run
    sweep_executor: Callable  # (sweep_id) -> a sweep executor, or None for the local one


@contextlib.contextmanager
def trainers(flag: str | None, mnist: data.Mnist):
    """Connects before anything is recorded, so an unreachable cluster leaves no run behind
    (raises ConnectionError, or cluster.connection.ClusterMismatch)."""
    executor = executors.choose(flag)
    if executor.name == executors.LOCAL:
        from mnist_core.training import runner  # imports TensorFlow

        yield Trainers(executor.name,
                       lambda registry, run_id, echo: runner.execute(registry, run_id, mnist,
                                                                     echo),
                       lambda sweep_id: None)
        return
    from mnist_core.cluster import jobs  # imports Ray

    with jobs.connected(executor.address) as (cluster, mailroom):
        yield Trainers(
            executor.name,
            lambda registry, run_id, echo: jobs.train_run(registry, run_id, cluster, mailroom,
                                                          mnist, echo),
            lambda sweep_id: jobs.RayExecutor(cluster, mailroom, mnist, sweep_id))
