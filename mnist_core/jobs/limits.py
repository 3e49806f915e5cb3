"""Limits that keep a class responsive on one server. The per-workspace queue limit holds for
everyone; the rest hold for students in a class home (access.Role.STUDENT), not for the
instructor, the terminal or a student's own machine."""

import os

from mnist_core.data import FULL_TRAINING_IMAGES
from mnist_core.store import access

MAX_QUEUED_PER_WORKSPACE = 3
# All students' waiting jobs together: twice a class of 30, so a class is never refused.
MAX_QUEUED_IN_CLASS = int(os.environ.get("MNIST_LAB_MAX_QUEUED", 0)) or 60
# A student's job: at most 30 epochs on every training image (the quick sweep, 15 networks
# × 10 epochs × 10,000 images, fits), and a network of at most 3 million parameters.
STUDENT_MAX_IMAGE_EPOCHS = 30 * FULL_TRAINING_IMAGES
STUDENT_MAX_PARAMETERS = 3_000_000


class QueueFull(ValueError):  # noqa: N818  (a public name that callers catch)
    """The workspace, or the class, already has as many jobs waiting as it may."""


class JobTooLarge(ValueError):  # noqa: N818  (a public name that callers catch)
    """A student's job bigger than a shared server allows; the message says which limit."""


def image_epochs(epochs: int, train_size: int | None, networks: int = 1) -> int:
    """The work of a job: images seen in training, all networks and epochs together."""
    return networks * epochs * (train_size or FULL_TRAINING_IMAGES)


def check_job_size(role: access.Role, work: int, parameters: int | None) -> None:
    if role is not access.Role.STUDENT:
        return
    if work > STUDENT_MAX_IMAGE_EPOCHS:
        raise JobTooLarge(
            f"This job would train on {work:,} images in all (epochs × training images), more "
            f"than a student's job may on a shared server ({STUDENT_MAX_IMAGE_EPOCHS:,}, 30 "
            "epochs on every image). Use fewer epochs or fewer training images.")
    if parameters is not None and parameters > STUDENT_MAX_PARAMETERS:
        raise JobTooLarge(
            f"This network has {parameters:,} parameters, more than a student's job may on a "
            f"shared server ({STUDENT_MAX_PARAMETERS:,}). Use fewer or smaller layers.")


def check_room(connection, workspace: str, role: access.Role) -> None:
    """Raise QueueFull when the workspace, or a student's whole class, has as many jobs
    waiting as it may. Call it inside registry.transaction(), with the insert that follows."""
    waiting = connection.execute(
        "SELECT COUNT(*) FROM runs WHERE workspace = ? AND state = 'queued'",
        (workspace,)).fetchone()[0]
    if waiting >= MAX_QUEUED_PER_WORKSPACE:
        raise QueueFull(
            f"workspace {workspace!r} already has {waiting} runs waiting; wait for one to "
            "start, or cancel one, before adding another")
    if role is access.Role.STUDENT:
        in_class = connection.execute(
            "SELECT COUNT(*) FROM runs WHERE state = 'queued'").fetchone()[0]
        if in_class >= MAX_QUEUED_IN_CLASS:
            raise QueueFull(
                f"The class's queue is full ({in_class} jobs are waiting). Try again in a "
                "minute, when some have started.")
