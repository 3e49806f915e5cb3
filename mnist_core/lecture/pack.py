"""The lecture pack's parts (what a lecture shows, at each page's defaults) and how a page
finds a part's result in the `lecture` workspace."""

import dataclasses
import json

from mnist_core.models import cnn, config
from mnist_core.store import LECTURE_WORKSPACE, Registry, Run, Sweep
from mnist_core.sweep.spec import SweepSpec

# The sweep page's quick mode: the assignment's factors and replicates on fewer images and
# epochs. The page labels a sweep quick from its spec, so these alone make it "quick".
QUICK_SWEEP_TRAIN_SIZE = 10_000
QUICK_SWEEP_EPOCHS = 10
QUICK_CNN_EPOCHS = 1  # the assignment's CNNs, so a quick pack is ready in minutes


@dataclasses.dataclass(frozen=True)
class RunPart:
    """A single run of the pack: the network and training a page starts with."""

    name: str
    config: config.RunConfig


@dataclasses.dataclass(frozen=True)
class SweepPart:
    """The pack's L2 sweep."""

    name: str
    spec: SweepSpec


Part = RunPart | SweepPart


def parts(quick: bool = False) -> tuple[Part, ...]:
    """The MLP page's default, the assignment's sweep, the fast CNN and the assignment's two
    CNNs at the CNN page's defaults; quick: the quick sweep and 1 epoch per assignment CNN."""
    sweep_spec = (SweepSpec(epochs=QUICK_SWEEP_EPOCHS, train_size=QUICK_SWEEP_TRAIN_SIZE)
                  if quick else SweepSpec())
    return (
        RunPart("MLP (the page's default)", config.RunConfig()),
        SweepPart("L2 sweep 500-300" + (" · quick" if quick else ""), sweep_spec),
        RunPart("fast CNN", cnn.FAST),
        RunPart("assignment CNN 1", _assignment_cnn(cnn.ASSIGNMENT_1, quick)),
        RunPart("assignment CNN 2", _assignment_cnn(cnn.ASSIGNMENT_2, quick)),
    )


def _assignment_cnn(preset: config.RunConfig, quick: bool) -> config.RunConfig:
    """The preset as the CNN page starts it, or for a quick pack the same with fewer epochs."""
    if not quick:
        return preset
    return dataclasses.replace(
        preset, training=dataclasses.replace(preset.training, epochs=QUICK_CNN_EPOCHS))


def lecture_run(registry: Registry, run_config: config.RunConfig) -> Run | None:
    """The newest done single run in `lecture` trained with exactly `run_config`."""
    return next(iter(lecture_runs(registry, run_config, ("done",))), None)


def lecture_sweep(registry: Registry, spec: SweepSpec) -> Sweep | None:
    """The newest done sweep in `lecture` with exactly `spec`."""
    return next(iter(lecture_sweeps(registry, spec, ("done",))), None)


def lecture_runs(registry: Registry, run_config: config.RunConfig,
                 states: tuple[str, ...]) -> list[Run]:
    """Single runs in `lecture` in one of `states` with this config, newest first."""
    return _matching(registry.runs(workspace=LECTURE_WORKSPACE, states=states), "config",
                     run_config.to_dict())


def lecture_sweeps(registry: Registry, spec: SweepSpec, states: tuple[str, ...]) -> list[Sweep]:
    """Sweeps in `lecture` in one of `states` with this spec, newest first."""
    return _matching([stored for stored in registry.sweeps(workspace=LECTURE_WORKSPACE)
                      if stored.state in states], "spec", spec.to_dict())


def _matching(records: list, field: str, wanted: dict) -> list:
    # The registry stores JSON, so tuples come back as lists: compare what it would store.
    stored = json.loads(json.dumps(wanted))
    return [record for record in records  # a damaged record's files are no lecture's
            if not record.problem and getattr(record, field) == stored]
