""""The assignment asks": each page's questions, answered from the student's own stored runs
(in lecture view, the lecture's). The numbers sit in metrics, each under the run it came from;
a question without its run says what to train."""

import pandas as pd
import streamlit as st

from mnist_core import assignment
from mnist_core.assignment import missing, picks
from mnist_core.assignment.convolution import TARGET
from mnist_core.assignment.network import WHY_SOFTMAX
from mnist_core.charts import run_charts
from mnist_core.store import LECTURE_WORKSPACE, Run, RunError, Sweep
from mnist_core.ui import engine, lecture_view, loaders
from mnist_core.ui.cnn_panels import SHIFT_TEST_IMAGES, shift_curves

TITLE = "The assignment asks"
CROSS_ENTROPY = (r"L = -\frac{1}{N}\sum_{i=1}^{N}\sum_{c=0}^{9} y_{ic}\,\log p_{ic}"
                 r" = -\frac{1}{N}\sum_{i=1}^{N} \log p_{i,\text{true digit}}")
DENSE_PARAMETERS = (r"P_\text{Dense} = (n_\text{in} + 1)\cdot n_\text{out}"
                    r" = n_\text{in} n_\text{out} + n_\text{out}")
CONV_PARAMETERS = r"P_\text{Conv2D} = (k \cdot k \cdot c_\text{in} + 1)\cdot c_\text{out}"


def data_questions(workspace: str) -> None:
    """Q1.1 on the data page."""
    with st.expander(TITLE):
        runs = picks.own_done_runs(engine.registry(), _answering(workspace))
        _preprocessing(assignment.preprocessing(loaders.scaling_comparison(),
                                                next(iter(runs), None)))


def mlp_questions(workspace: str, shown: Run | None) -> None:
    """Q2.1 to Q2.3 on the MLP page, from the run it shows or else the newest done MLP."""
    with st.expander(TITLE):
        run = picks.latest_mlp(engine.registry(), _answering(workspace), shown)
        if run is None:
            _missing(missing.TRAIN_MLP)
            return
        try:
            network, loss, curves = (assignment.network(run), assignment.loss(run),
                                     assignment.curves(run))
        except ValueError as error:
            st.warning(f"Run {run.run_id} cannot answer: {error}")
            return
        _source(run.run_id, run.workspace)
        _network(network)
        _loss(loss)
        _curves(curves)


def sweep_questions(workspace: str, shown: Sweep | None) -> None:
    """Q2.4 on the sweep page, from the sweep it shows when done, else the newest done one."""
    with st.expander(TITLE):
        found = picks.latest_sweep(engine.registry(), _answering(workspace), shown)
        answer = assignment.weight_decay(*found) if found else None
        if answer is None:
            _missing(missing.RUN_SWEEP)
            return
        _source(answer.sweep_id, found[0].workspace, "sweep")
        _weight_decay(answer)


def cnn_questions(workspace: str, shown: Run | None) -> None:
    """Q3.1 and Q3.2 on the CNN page: its run (else the newest done CNN) and the best MLP."""
    with st.expander(TITLE):
        registry, answering = engine.registry(), _answering(workspace)
        cnn_run = picks.latest_cnn(registry, answering, shown)
        mlp_run = picks.best_mlp(registry, answering)
        if cnn_run is None or mlp_run is None:
            _missing(missing.TRAIN_CNN if cnn_run is None else missing.TRAIN_MLP)
            return
        try:
            curves = shift_curves(cnn_run.run_id, mlp_run.run_id,
                                   (engine.model_version(cnn_run.run_id),
                                    engine.model_version(mlp_run.run_id)))
        except RunError as error:
            st.warning(f"No shift test: {error}")
            curves = None
        try:
            answer = assignment.convolution(cnn_run, mlp_run, curves, SHIFT_TEST_IMAGES)
        except ValueError as error:
            st.warning(f"These runs cannot answer: {error}")
            return
        st.caption(f"From CNN run `{cnn_run.run_id}` and the MLP with the best validation "
                   f"accuracy, run `{mlp_run.run_id}` (workspace {cnn_run.workspace}).")
        _convolution(answer)


def _answering(workspace: str) -> str:
    """Whose runs answer: the lecture's in lecture view, else the student's own."""
    return LECTURE_WORKSPACE if lecture_view.is_lecture() else workspace


def _missing(what_to_train: str) -> None:
    st.info(missing.PREPARE_LECTURE if lecture_view.is_lecture() else what_to_train,
            icon=":material/school:")


def _source(record_id: str, workspace: str, what: str = "run") -> None:
    st.caption(f"Every number below is from {what} `{record_id}` (workspace {workspace}).")


def _preprocessing(answer: assignment.Preprocessing) -> None:
    st.markdown("**Q1.1 · The preprocessing, and why**")
    left, middle, right = st.columns(3)
    left.metric("Q1.1 · pixels before", f"{answer.raw_dtype} 0 to {answer.raw_max}")
    middle.metric("Q1.1 · pixels after",
                  f"{answer.scaled_dtype} {answer.scaled_min:g} to {answer.scaled_max:g}")
    right.metric("Q1.1 · label length", answer.classes)
    st.markdown(
        f"1. **To float32.** The grey levels are whole numbers (`{answer.raw_dtype}`); a "
        "network computes with fractions, and float32 is precise enough while CPUs and GPUs "
        "run it fastest. The training images grow from "
        f"{answer.raw_megabytes:,.1f} MB to {answer.scaled_megabytes:,.1f} MB.\n"
        f"2. **Divided by {answer.raw_max}.** Every pixel lands in [0, 1], so the first "
        "layer's weighted sums start small and one learning rate suits every weight.\n"
        f"3. **Labels one-hot.** Each digit becomes a vector of {answer.classes} with a single "
        "1, the same shape as the softmax output, so the loss compares two probability "
        "distributions and no digit is treated as closer to another.")
    if answer.run_id is None:
        _missing(missing.TRAIN_ANY)
        return
    digest = f", sha256 {answer.run_sha256[:12]}…" if answer.run_sha256 else ""
    st.caption(f"The newest run here, `{answer.run_id}`, trained on {answer.run_source or 'MNIST'}"
               f"{digest}, prepared exactly like this.")


def _network(answer: assignment.Network) -> None:
    st.markdown("**Q2.1 · Layers, neurons, activations, parameters**")
    columns = st.columns(4)
    columns[0].metric("Q2.1 · layers with weights", answer.dense_layers)
    columns[1].metric("Q2.1 · parameters", f"{answer.parameters:,}")
    columns[2].metric("Q2.1 · inputs", answer.inputs)
    columns[3].metric("Q2.1 · outputs", answer.outputs)
    hidden = ", ".join(f"{units:,}" for units in answer.hidden_units)
    st.markdown(
        f"- **Layers.** An input of {answer.inputs} values, {len(answer.hidden_units)} hidden "
        f"Dense layer(s) of {hidden} neurons, and an output of {answer.outputs}: "
        f"{answer.dense_layers} layers with weights ({answer.dense_layers + 1} counting the "
        "input, as Keras' plot does).\n"
        f"- **Hidden activation: {answer.activation}.** {answer.why_activation}\n"
        f"- **Output: softmax.** {WHY_SOFTMAX}\n"
        f"- **Why {answer.inputs} in.** A Dense layer takes a vector, so the "
        f"{answer.image_size}×{answer.image_size} image is flattened: "
        f"{answer.image_size}·{answer.image_size} = {answer.inputs} pixels.\n"
        f"- **Why {answer.outputs} out.** One output per digit, 0 to 9.")
    st.latex(DENSE_PARAMETERS)
    st.dataframe(_layer_table(answer.layers), hide_index=True, width="stretch")
    if answer.stored_parameters not in (None, answer.parameters):
        st.warning(f"The run stored {answer.stored_parameters:,} parameters when it trained.")


def _layer_table(rows) -> pd.DataFrame:
    return pd.DataFrame([{"layer": row.name, "output": " × ".join(map(str, row.output_shape)),
                          "arithmetic": row.arithmetic, "parameters": row.parameters}
                         for row in rows])


def _loss(answer: assignment.Loss) -> None:
    st.markdown("**Q2.2 · The loss: categorical cross-entropy**")
    st.latex(CROSS_ENTROPY)
    columns = st.columns(4)
    columns[0].metric("Q2.2 · training loss, last epoch", f"{answer.train_loss:.4f}")
    columns[1].metric("Q2.2 · validation loss, last epoch", _number(answer.val_loss))
    columns[2].metric("Q2.2 · test loss", _number(answer.test_loss))
    columns[3].metric("Q2.2 · guessing, ln 10", f"{answer.guess_loss:.3f}")
    reached, where = ((answer.test_loss, "on the test set") if answer.test_loss is not None
                      else (answer.train_loss, "on its training images"))
    st.markdown(
        "$y_{ic}$ is 1 for the true digit and 0 otherwise, so only the probability the "
        "network gives the right answer counts: the loss is its negative log, averaged. A "
        f"network that guesses evenly gives each digit 1/10 and scores ln 10 = "
        f"{answer.guess_loss:.3f}; this run started its first epoch at a mean of "
        f"{answer.first_loss:.3f} and reached {reached:.4f} {where}: the true digit gets "
        f"e^-L = {answer.true_digit_probability(reached):.1%} probability on (geometric) "
        "average. It suits the problem because it punishes a confident wrong answer without "
        "bound, and with softmax its gradient is simply p − y.")
    if answer.includes_penalty:
        st.caption("This run has an L2 factor: its training loss includes λ·Σw².")


def _curves(answer: assignment.Curves) -> None:
    st.markdown(f"**Q2.3 · Training and validation accuracy, {answer.epochs} epochs**")
    st.altair_chart(run_charts.curves(answer.history, "accuracy"), width="stretch")
    columns = st.columns(3)
    columns[0].metric("Q2.3 · training accuracy, last epoch", f"{answer.train_accuracy:.4f}")
    columns[1].metric("Q2.3 · validation accuracy, last epoch", f"{answer.val_accuracy:.4f}")
    columns[2].metric("Q2.3 · gap, training − validation", f"{answer.gap * 100:+.2f} points")
    st.markdown(f"Best validation accuracy {answer.best_val_accuracy:.4f}, at epoch "
                f"{answer.best_val_epoch}. {answer.verdict}")


def _weight_decay(answer: assignment.WeightDecay) -> None:
    chosen = answer.chosen
    st.markdown("**Q2.4 · Weight decay: the factor, chosen on validation**")
    columns = st.columns(3)
    columns[0].metric("Q2.4 · factor chosen on validation", f"{chosen.factor:.2e}")
    spread = f" ± {chosen.test_std:.4f}" if chosen.test_std is not None else ""
    columns[1].metric(f"Q2.4 · its test accuracy, {chosen.finished} replicate(s)",
                      f"{chosen.test_mean:.4f}{spread}")
    columns[2].metric(f"Q2.4 · distance to Hinton's {answer.hinton}",
                      f"{answer.distance * 100:+.2f} points")
    on_test = answer.chosen_on_test
    pick = ("the same factor" if on_test.factor == chosen.factor else
            f"λ = {on_test.factor:.2e} (test mean {on_test.test_mean:.4f})")
    st.markdown(
        f"The {len(answer.factors)} factors were compared by their mean **validation** "
        "accuracy over the replicates; the **test** set was then read once, for the chosen "
        "one. The assignment chose by test accuracy: here that would pick "
        f"{pick}, and its score would flatter it, since the choice has already looked at it. "
        f"The ± is one sample standard deviation (ddof={answer.ddof}) over the replicates. "
        "What may explain the distance to Hinton:")
    st.markdown("\n".join(f"- {reason}" for reason in answer.reasons))


def _convolution(answer: assignment.Convolution) -> None:
    st.markdown("**Q3.1 · A convolutional network: how good, and at what size**")
    columns = st.columns(4)
    columns[0].metric("Q3.1 · CNN test accuracy", f"{answer.cnn_test_accuracy:.2%}")
    columns[1].metric("Q3.1 · best MLP test accuracy", f"{answer.mlp_test_accuracy:.2%}")
    columns[2].metric("Q3.1 · CNN parameters", f"{answer.cnn_parameters:,}")
    columns[3].metric("Q3.1 · best MLP parameters", f"{answer.mlp_parameters:,}")
    verb = "reaches" if answer.reached_target else "stays below"
    st.markdown(f"At {answer.cnn_test_accuracy:.2%} on the test set (scored once), this CNN "
                f"{verb} the {TARGET:.0%} the MNIST page says a CNN can reach.")
    st.latex(CONV_PARAMETERS)
    st.dataframe(_layer_table(answer.conv_layers), hide_index=True, width="stretch")
    for name, text in answer.other_layers.items():
        st.markdown(f"- **{name}** {text}")
    st.markdown("**Q3.2 · Convolutional against fully connected**")
    if answer.shift is not None:
        shift = answer.shift
        left, right = st.columns(2)
        left.metric(f"Q3.2 · CNN accuracy lost at {shift.max_shift} px shift",
                    f"{shift.cnn_drop:.1%}")
        right.metric(f"Q3.2 · MLP accuracy lost at {shift.max_shift} px shift",
                     f"{shift.mlp_drop:.1%}")
    st.markdown(
        "A Dense layer gives every pixel position its own weight to every unit; a conv filter "
        "is **local** (a k×k patch) and **shared** (the same weights at every position), and "
        "pooling keeps the strongest answer in each 2×2 patch. Sharing is why this CNN gets by "
        f"with {answer.cnn_parameters:,} parameters against the MLP's "
        f"{answer.mlp_parameters:,}, and why a stroke is found wherever it is"
        + (f": moved {answer.shift.max_shift} pixels, {answer.shift.images:,} test digits cost "
           f"the CNN {answer.shift.cnn_drop:.1%} and the MLP {answer.shift.mlp_drop:.1%}."
           if answer.shift is not None else "."))


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"
