"""The results panel's notebook download: a done run as a plain Keras notebook that trains
it again, built when the button is clicked."""

import streamlit as st

from mnist_core.store import Run, RunError
from mnist_core.ui import engine

LABEL = "Download as a notebook (.ipynb)"


def notebook_download(run: Run, place: str = "results") -> None:
    """`place` keeps widget keys apart when two panels show the same run."""
    # Imported here: building imports TensorFlow, which a page showing results has loaded.
    from mnist_core import notebook

    try:
        notebook.builder.run_config(run)
        reason = None
    except (RunError, ValueError) as error:
        reason = str(error)
    st.download_button(
        LABEL, data=lambda: notebook.notebook_text(engine.registry(), run.run_id),
        file_name=f"mnist-run-{run.run_id}.ipynb", mime="application/x-ipynb+json",
        key=f"{place}_notebook_{run.run_id}", disabled=reason is not None,
        help=reason or "The run's steps as a Jupyter notebook that needs only TensorFlow, "
                       "NumPy and Matplotlib: it trains the same network again, with the "
                       "same seeds, and ends with its own accuracies beside the lab's.",
        icon=":material/download:")
