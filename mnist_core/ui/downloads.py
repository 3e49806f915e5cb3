"""Download buttons for a run's model file and curves; the data are read only when clicked."""

import pandas as pd
import streamlit as st

from mnist_core.store import Run
from mnist_core.ui import engine


def download_buttons(run: Run, place: str, labels=(".keras", "curves (CSV)")) -> None:
    """`place` keeps widget keys apart when the sidebar and the page show the same run."""
    model_path = engine.registry().model_path(run.run_id)
    model_column, curves_column = st.columns(2)
    model_column.download_button(
        labels[0], data=model_path.read_bytes, file_name=f"{run.run_id}.keras",
        key=f"{place}_model_{run.run_id}", disabled=not model_path.is_file(),
        icon=":material/download:")
    curves_column.download_button(
        labels[1], data=lambda: pd.DataFrame(run.history).to_csv(index=False),
        file_name=f"{run.run_id}_curves.csv", mime="text/csv",
        key=f"{place}_curves_{run.run_id}", disabled=not run.history,
        icon=":material/download:")
