"""A finished run as an nbformat notebook: short explanations between the recipe's cells."""

import nbformat
from nbformat import v4

from mnist_core.models import config, kinds
from mnist_core.notebook import recipe
from mnist_core.store import Run, RunError

SUBSET_WARNING = (
    "> **Note.** The lab trained this run on its small offline set of 5,000 digits, because "
    "the full MNIST was not there. This notebook loads the full data (60,000 training and "
    "10,000 test images), so it trains and tests on other and more images: its accuracies "
    "will differ from the lab's above (usually higher).")
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}


def run_config(run: Run) -> config.RunConfig:
    """The config a done single run trained with; RunError or ValueError saying why not."""
    if run.problem:
        raise RunError(run.problem)
    if run.kind != "single":
        raise RunError(f"run {run.run_id} is part of a sweep, trained stacked with others: "
                       "only a single run can be exported as a notebook")
    if run.state != "done":
        raise RunError(f"run {run.run_id} is {run.state}: only a finished (done) run can be "
                       "exported as a notebook")
    parsed = config.validate(config.RunConfig.from_dict(run.config))
    if kinds.of(parsed.model).notebook_source is None:
        raise ValueError(f"a {kinds.of(parsed.model).label} cannot be exported as a notebook yet")
    return parsed


def build(run: Run) -> nbformat.NotebookNode:
    """The notebook that trains `run` again with TensorFlow, NumPy and Matplotlib only."""
    parsed = run_config(run)
    training = parsed.training
    model_source = kinds.of(parsed.model).notebook_source(parsed.model, training.seed)
    stored = {"val_accuracy": run.val_accuracy, "test_accuracy": run.test_accuracy}
    cells = [
        _markdown(_introduction(run, parsed)),
        *([_markdown(SUBSET_WARNING)] if run.data.get("is_subset") else []),
        _markdown("## The libraries\nTensorFlow (with Keras), NumPy and Matplotlib: nothing else."),
        _code(recipe.IMPORTS),
        _markdown("## The data\nThe file named by the environment variable `MNIST_NPZ` if it "
                  "exists, else Keras' copy in `~/.keras/datasets`, downloaded the first time. "
                  "The images are 28×28 grey levels (0 to 255), the labels the digits 0 to 9."),
        _code(recipe.LOAD),
        _markdown("## A validation split\nSettings are judged on validation images held out "
                  "from the training set; the test set is used once, at the very end. The split "
                  "is stratified (every digit keeps its share) and seeded, so it is the same "
                  "every time. Limiting the training images works the same way."),
        _code(recipe.split(training.train_size)),
        _markdown("## Pixels and labels\nThe network gets pixels scaled to [0, 1] and each "
                  "label as a one-hot row (a 1 in the digit's column), which categorical "
                  "cross-entropy compares with the softmax output."),
        _code(recipe.PREPROCESS),
        _markdown(_model_text(parsed)),
        _code(recipe.model(model_source, training.precision)),
        _markdown(_compile_text(training)),
        _code(recipe.compile_model(training)),
        _markdown("## Batches\nThe training images are shuffled anew each epoch, in an order "
                  "drawn from the run's seed, and cut into batches; validation and test "
                  "images are read in order."),
        _code(recipe.batches(training.seed)),
        _markdown("## Training\nOne line per epoch: the loss and accuracy on the training "
                  "batches, then on the validation images."),
        _code(recipe.fit(training)),
        _markdown("## The test set, once\nThe test images have not influenced anything so far, "
                  "so this accuracy is a fair estimate for new digits."),
        _code(recipe.EVALUATE),
        _markdown("## The curves\nA training loss that keeps falling while the validation loss "
                  "rises is overfitting."),
        _code(recipe.PLOT),
        _markdown("## The numbers\nThis notebook's results beside the lab's."),
        _code(recipe.numbers(stored)),
    ]
    return v4.new_notebook(cells=cells, metadata={
        "kernelspec": KERNEL, "language_info": {"name": "python"}})


def _introduction(run: Run, parsed: config.RunConfig) -> str:
    training = parsed.training
    images = "all" if training.train_size is None else f"{training.train_size:,}"
    versions = ", ".join(f"{name} {version}" for name, version in sorted(run.versions.items())
                         if name in ("tensorflow", "keras", "numpy"))
    recorded = ", ".join(f"{label} {value:.4f}" for label, value in
                         (("validation accuracy", run.val_accuracy),
                          ("test accuracy", run.test_accuracy)) if value is not None)
    return "\n".join([
        f"# MNIST run {run.run_id} ({kinds.of(parsed.model).label}) in plain Keras",
        "",
        "This notebook trains the network of run "
        f"`{run.run_id}` again, step by step, with the same seeds and in the same order. On "
        "the same data and library versions it should end with the same validation accuracy.",
        "",
        "| setting | value |",
        "|---|---|",
        f"| optimizer | {recipe.optimizer_name(training)}, learning rate "
        f"{training.learning_rate:g} |",
        f"| learning-rate schedule | {training.schedule} |",
        f"| batch size | {training.batch_size} |",
        f"| epochs | {training.epochs} |",
        f"| training images | {images} |",
        f"| arithmetic | {training.precision} |",
        f"| seed | {training.seed} |",
        "",
        f"Recorded for this run: {recorded or 'no results'}" + (
            f" (trained with {versions})." if versions else "."),
    ])


def _model_text(parsed: config.RunConfig) -> str:
    rows = [f"| {row.name} | {', '.join(map(str, row.output_shape))} | {row.parameters:,} |"
            for row in kinds.layers(parsed.model)]
    total = kinds.parameter_count(parsed.model)
    precision = ("" if parsed.training.precision == "float32" else
                 "\n\nIts layers multiply in bfloat16 and keep float32 weights (Keras' "
                 "`mixed_bfloat16` policy), as the lab trained it.")
    return "\n".join([
        "## The network",
        "Every layer that starts random gets a seed of its own, so the starting weights "
        f"(and the dropout masks) are the lab's. {total:,} parameters:",
        "",
        "| layer | output | parameters |",
        "|---|---|---|",
        *rows,
    ]) + precision


def _compile_text(training: config.TrainConfig) -> str:
    schedule = {
        "constant": "The learning rate stays the same throughout.",
        "warmup_cosine": "The learning rate climbs from 0 over the first sixth of the steps, "
                         "then falls to 0 along a cosine.",
        "reduce_on_plateau": "The learning rate is cut whenever the validation loss stops "
                             "improving (ReduceLROnPlateau, in the training cell).",
    }[training.schedule]
    return ("## How it learns\nCategorical cross-entropy, minimised by "
            f"{recipe.optimizer_name(training)} in batches of {training.batch_size}. {schedule}")


def _markdown(text: str):
    return v4.new_markdown_cell(text)


def _code(source: str):
    return v4.new_code_cell(source)
