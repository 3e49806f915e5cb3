"""AppTest of the home page: pages listed, data source shown, subset warned, no TensorFlow."""

import json
import subprocess
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

from mnist_core import data, ui
from mnist_core.data import explore

ROOT = Path(__file__).resolve().parents[2]
HOME = "streamlit_app.py"


def run_home() -> AppTest:
    return AppTest.from_file(str(ROOT / HOME), default_timeout=60).run()


def test_home_lists_every_page_and_where_the_data_came_from():
    home = run_home()

    assert not home.exception
    assert home.title[0].value == "MNIST Lab"
    assert [link.label for link in home.main.page_link] == [page.title for page in ui.PAGES]
    mnist = data.load_mnist()
    summary = explore.source_summary(mnist)
    assert any(summary in block.value for block in home.sidebar.markdown)
    assert any(summary in block.value for block in home.markdown)
    # The full set (MNIST_NPZ, as in CI) shows no warning; a new user's subset must show one.
    assert bool(home.sidebar.warning) == mnist.is_subset


def test_a_subset_is_flagged_with_how_to_get_the_full_set(monkeypatch, tmp_path):
    missing = tmp_path / "nowhere" / "mnist.npz"
    monkeypatch.setenv("MNIST_NPZ", str(missing))

    home = run_home()

    assert not home.exception
    assert any(block.value.startswith("Offline subset: ") for block in home.sidebar.markdown)
    warning = "\n".join(block.value for block in home.sidebar.warning)
    assert "subset" in warning and "MNIST_NPZ=" in warning
    assert str(data.keras_cache_path()) in warning
    rejected = home.sidebar.expander[0]
    assert f"MNIST_NPZ={missing} does not exist" in rejected.markdown[0].value


def test_home_renders_without_importing_tensorflow():
    # A fresh interpreter: other tests in this process may have imported TensorFlow already.
    probe = (
        "import json, sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"home = AppTest.from_file({HOME!r}, default_timeout=60).run()\n"
        "print(json.dumps({'exception': bool(home.exception),\n"
        "                  'heavy': sorted({'tensorflow', 'keras'} & set(sys.modules))}))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=True)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"exception": False, "heavy": []}
