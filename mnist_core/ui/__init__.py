"""The only Streamlit importer in mnist_core: loaders, sidebar, and the panels pages share."""

from mnist_core.ui.architecture_panel import architecture_panel, time_estimate
from mnist_core.ui.assignment_panel import (
    cnn_questions,
    data_questions,
    mlp_questions,
    sweep_questions,
)
from mnist_core.ui.cnn_panels import conv_vs_dense_panel, learned_panel
from mnist_core.ui.cnn_settings import assignment_length_note, cnn_settings
from mnist_core.ui.contents import PAGES, LabPage
from mnist_core.ui.data_browser import digit_browser
from mnist_core.ui.draw_panels import (
    drawing_input,
    finished_models,
    offer_training,
    personal_set_panel,
    pipeline_view,
    predictions_panel,
    same_class_examples,
)
from mnist_core.ui.job_panel import job_panel, train_button
from mnist_core.ui.lecture_results import run_to_show, sweep_to_show
from mnist_core.ui.lights_up_panel import lights_up_panel
from mnist_core.ui.loaders import class_means, mnist, scaling_comparison
from mnist_core.ui.mlp_settings import DEFAULTS as MLP_DEFAULTS
from mnist_core.ui.mlp_settings import default_shape as mlp_default_shape
from mnist_core.ui.mlp_settings import mlp_settings
from mnist_core.ui.results_panel import results_panel
from mnist_core.ui.room_panel import room_panel, room_sweep_panel
from mnist_core.ui.run_list import compare_panel
from mnist_core.ui.sidebar import sidebar
from mnist_core.ui.sweep_panels import (
    chosen_sweep,
    sweep_estimate,
    sweep_form,
    sweep_live_panel,
    sweep_result_panel,
    sweep_submit_button,
)
from mnist_core.ui.url_state import kept as view_params

__all__ = [
    "MLP_DEFAULTS", "PAGES", "LabPage", "architecture_panel", "assignment_length_note",
    "mlp_default_shape", "mlp_settings", "class_means", "cnn_settings", "compare_panel",
    "conv_vs_dense_panel", "digit_browser", "job_panel", "learned_panel", "mnist", "results_panel",
    "scaling_comparison", "sidebar", "time_estimate", "train_button", "drawing_input",
    "finished_models", "offer_training", "personal_set_panel", "pipeline_view",
    "predictions_panel", "same_class_examples", "chosen_sweep",
    "sweep_estimate", "sweep_form", "sweep_live_panel", "sweep_result_panel",
    "sweep_submit_button", "view_params", "run_to_show", "sweep_to_show",
    "room_panel", "room_sweep_panel", "lights_up_panel", "data_questions", "mlp_questions",
    "sweep_questions", "cnn_questions",
]
