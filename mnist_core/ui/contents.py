"""The lab's table of contents: each page's file, title, icon and what it teaches."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class LabPage:
    """One page of the lab, as the home page lists it."""

    path: str  # relative to streamlit_app.py, as st.page_link wants it
    title: str
    icon: str
    teaches: str


# Adding a page: create pages/N_Title.py and add one line here.
PAGES = (
    LabPage(
        "pages/1_Data_and_preprocessing.py",
        "Data & preprocessing",
        ":material/grid_on:",
        "What the digits look like as numbers, how they are spread over the classes, and why "
        "the pixels become float32 in [0, 1] and the labels one-hot vectors before training.",
    ),
    LabPage(
        "pages/2_MLP.py",
        "MLP",
        ":material/hub:",
        "Build a dense network layer by layer, see its parameter count, train it live and "
        "read what it learned from its curves and mistakes.",
    ),
    LabPage(
        "pages/3_CNN.py",
        "CNN",
        ":material/filter_center_focus:",
        "Train the assignment's convolutional nets or a fast one past 99 %, look at its "
        "filters and feature maps, and measure why convolution beats dense layers on images.",
    ),
    LabPage(
        "pages/4_Draw_a_digit.py",
        "Draw a digit",
        ":material/draw:",
        "Draw or upload a digit, see the 28×28 image a network really gets, and watch every "
        "model you trained answer at once, on your own handwriting.",
    ),
    LabPage(
        "pages/5_Regularization_sweep.py",
        "Regularization sweep",
        ":material/tune:",
        "Train the 500-300 network with several weight-decay factors and replicates, choose "
        "the factor on validation, and compare the error bars with Hinton's 98.47 %.",
    ),
)
