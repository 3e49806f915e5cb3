"""The only Streamlit importer in mnist_core: cached loaders, the shared sidebar, the page list."""

from mnist_core.ui.contents import PAGES, LabPage
from mnist_core.ui.loaders import class_means, mnist, scaling_comparison
from mnist_core.ui.sidebar import sidebar

__all__ = ["PAGES", "LabPage", "class_means", "mnist", "scaling_comparison", "sidebar"]
