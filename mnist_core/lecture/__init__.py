"""The lecture pack: what a lecture shows, trained beforehand into the `lecture` workspace,
and how a page finds its result there (re-exported, so callers read `lecture.prepare(...)`)."""

from mnist_core.lecture.pack import Part, RunPart, SweepPart, lecture_run, lecture_sweep, parts
from mnist_core.lecture.preparation import Prepared, prepare

__all__ = ["Part", "Prepared", "RunPart", "SweepPart", "lecture_run", "lecture_sweep", "parts",
           "prepare"]
