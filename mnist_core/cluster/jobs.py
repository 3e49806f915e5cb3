"""A stored run or a sweep trained on the cluster, written to the registry here, as a local
worker would: the pages cannot tell where it trained but for its receipt."""

import contextlib
import queue
import threading
import uuid

import ray

from mnist_core import data
from mnist_core.cluster import tasks
from mnist_core.cluster.connection import Cluster, connect
from mnist_core.store import Registry, Run
from mnist_core.sweep.executor import DEFAULT_STACK_SIZE, Events, report_stack, stacks
from mnist_core.sweep.spec import SweepSpec, Task
from mnist_core.training import runner
from mnist_core.training.failures import Interrupted, recorded_failures

CPUS_PER_RUN = 1  # a single run's share: the cluster's CPUs set how many train at once
WAIT_SECONDS = 0.2  # how often a job looks at its reports and its cancel flag
CANCEL_SECONDS = 10  # then a task that ignored its cancel is ended by force


def attempt_key(job_id: str) -> str:
    """A key of its own for each time a job trains: reports that a cancelled attempt sent
    late must not reach the next (a resumed sweep numbers its stacks anew)."""
    return f"{job_id}:{uuid.uuid4().hex[:8]}"


class Mailroom:
    """The cluster's one report queue, drained by whichever job looks first, into a box per
    job key: every task reports there, and each job reads only its own."""

    def __init__(self, cluster: Cluster):
        self._reports = cluster.reports
        self._boxes: dict[str, queue.SimpleQueue] = {}
        self._lock = threading.Lock()
        self.lost: str | None = None  # why the report queue is gone, once it is

    def open(self, key: str) -> queue.SimpleQueue:
        with self._lock:
            return self._boxes.setdefault(key, queue.SimpleQueue())

    def close(self, key: str) -> None:
        with self._lock:
            self._boxes.pop(key, None)

    def collect(self) -> None:
        """Raises Interrupted when the queue is gone (its actor died): then no job can hear
        its tasks, and the dispatcher starts again (mnist_core.cluster.dispatcher)."""
        with self._lock:
            try:
                waiting = self._reports.qsize()
                reports = self._reports.get_nowait_batch(waiting) if waiting else ()
            except ray.exceptions.RayError as error:
                self.lost = f"the cluster's report queue was lost ({type(error).__name__})"
                raise Interrupted(f"{self.lost}; train it again") from error
            for key, kind, payload in reports:
                box = self._boxes.get(key.split("/")[0])
                if box is not None:  # a report of an attempt that ended goes nowhere
                    box.put((key, kind, payload))


def _outcome(ref, where: str):
    """The task's return value; a lost task or node raises Interrupted, a cancelled one
    returns None, an exception inside the task is raised here as itself."""
    try:
        return ray.get(ref)
    except ray.exceptions.TaskCancelledError:
        return None
    except ray.exceptions.RayTaskError as error:
        raise error.as_instanceof_cause() from None
    except ray.exceptions.RayError as error:
        raise Interrupted(f"its Ray task was lost ({where}): {type(error).__name__}; "
                          "train it again") from error


def follow(refs: list, mailroom: Mailroom, box: queue.SimpleQueue, on_report, should_cancel,
           on_ready) -> bool:
    """Wait for `refs`, passing each report to on_report(key, kind, payload) and each
    finished ref to on_ready(ref); cancel them all when asked. False when cancelled."""
    pending = list(refs)
    try:
        while pending:
            ready, pending = ray.wait(pending, num_returns=len(pending), timeout=WAIT_SECONDS)
            mailroom.collect()
            while not box.empty():
                on_report(*box.get())
            for ref in ready:
                on_ready(ref)
            if pending and should_cancel():
                _cancel(pending)
                return False
    except BaseException:  # a lost stack, say: the others must not train on for nobody
        _cancel(pending)
        raise
    return True


def _cancel(refs: list) -> None:
    for ref in refs:
        ray.cancel(ref)
    for ref in refs:
        try:
            ray.get(ref, timeout=CANCEL_SECONDS)
        except ray.exceptions.GetTimeoutError:  # it did not stop between compiled calls
            ray.cancel(ref, force=True)
        except ray.exceptions.RayError:
            pass  # cancelled, as asked


def train_run(registry: Registry, run_id: str, cluster: Cluster, mailroom: Mailroom,
              mnist: data.Mnist, echo=None) -> Run:
    """Train the stored run `run_id` (already marked running) as a task, to a final state."""
    finish = runner.finisher(registry, run_id)
    with recorded_failures(finish):
        run_config = runner.stored_config(registry.get(run_id))
        registry.update(run_id, data=mnist.provenance())
        hooks = runner.registry_hooks(registry, run_id, echo)
        key = attempt_key(run_id)
        box = mailroom.open(key)
        node = {"address": "not started yet"}
        returned = {}

        def on_report(key, kind, payload):
            if kind == "started":
                node["address"] = payload
            elif kind == "epoch":
                hooks.on_epoch_end(payload["epoch"], payload)
            elif kind == "progress":
                hooks.on_progress(payload)
            elif kind == "snapshot":
                hooks.on_snapshot(payload)

        try:
            ref = tasks.train_run.options(num_cpus=CPUS_PER_RUN).remote(
                key, run_config.to_dict(), cluster.mnist(mnist), cluster.reports)
            finished = follow([ref], mailroom, box, on_report, hooks.should_cancel,
                              lambda ready: returned.update(
                                  value=_outcome(ready, f"on node {node['address']}")))
        finally:
            mailroom.close(key)
        if not finished or returned["value"] is None:
            finish("cancelled", "cancelled on request")
            return registry.get(run_id)
        value = returned["value"]
        if value["model"] is not None:
            registry.save_model_bytes(run_id, value["model"])
        runner.record(registry, run_id, value["result"], value["params"], value["versions"])
    return registry.get(run_id)


class RayExecutor:
    """A sweep's stacks as tasks, each asking for one whole node, so k nodes train k stacks
    at once; a drop-in for sweep.executor.LocalExecutor."""

    def __init__(self, cluster: Cluster, mailroom: Mailroom, mnist: data.Mnist, job_id: str,
                 stack_size: int = DEFAULT_STACK_SIZE):
        self.cluster, self.mailroom, self.mnist = cluster, mailroom, mnist
        self.job_id, self.stack_size = job_id, stack_size

    def execute(self, spec: SweepSpec, todo: list[Task], events: Events) -> bool:
        attempt = attempt_key(self.job_id)
        groups = {f"{attempt}/{index}": group
                  for index, group in enumerate(stacks(todo, self.stack_size))}
        training: dict[Task, float] = {}
        nodes: dict[str, str] = {}

        def on_report(key, kind, payload):
            if kind == "started":
                nodes[key] = payload
                training.update(dict.fromkeys(groups[key], 0.0))
                events.on_start(list(training))
            elif kind == "progress":
                training.update(dict.fromkeys(groups[key], payload))
                events.on_progress({task: training[task] for task in groups[key]})
            elif kind == "diverged":
                index, result = payload
                training.pop(groups[key][index], None)
                events.on_finished(groups[key][index], result)

        refs: dict = {}

        def on_ready(ref):
            key = refs[ref]
            results = _outcome(ref, f"on node {nodes.get(key, 'not started yet')}")
            if results is not None:
                for task in groups[key]:
                    training.pop(task, None)
                report_stack(groups[key], results, events)

        box = self.mailroom.open(attempt)  # before any task can report
        try:
            node_cpus, data_ref = self.cluster.cpus_per_node, self.cluster.mnist(self.mnist)
            for key, group in groups.items():
                refs[tasks.train_stack.options(num_cpus=node_cpus).remote(
                    key, spec.to_dict(), group, data_ref, self.cluster.reports)] = key
        except BaseException:
            _cancel(list(refs))
            self.mailroom.close(attempt)
            raise
        try:
            return follow(list(refs), self.mailroom, box, on_report, events.should_cancel,
                          on_ready)
        finally:
            self.mailroom.close(attempt)


@contextlib.contextmanager
def connected(address: str):
    """(cluster, mailroom) for a driver that trains jobs itself, the CLI; closed after."""
    cluster = connect(address)
    try:
        yield cluster, Mailroom(cluster)
    finally:
        cluster.close()
