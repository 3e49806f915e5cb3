"""Cold start of the home and data pages: import mnist_core.ui, then render once in AppTest.

Each page runs in a fresh interpreter, so its imports are cold and whether the home page pulls
in TensorFlow is observed, not assumed.

Run: MNIST_NPZ=../shared/data/mnist.npz python benchmarks/startup.py [--runs 5]
Last line: {"home_seconds", "data_page_seconds", "tensorflow_imported_by_home"}: medians of
--runs cold renders of each, the two pages taking turns, each with its spread.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import peak

ROOT = Path(__file__).resolve().parents[1]
HOME = "streamlit_app.py"
DATA_PAGE = "pages/1_Data_and_preprocessing.py"

# Runs in the fresh interpreter; prints one JSON line. A page is opened as a browser opens
# it, through the entry point (its menu links resolve against the entry point's folder);
# the entry point's own render is not counted for another page.
PROBE = """
import json, sys, time
started = time.perf_counter()
import mnist_core.ui
from streamlit.testing.v1 import AppTest
imported = time.perf_counter() - started
app = AppTest.from_file({home!r}, default_timeout=300).run()
if {script!r} != {home!r}:
    started = time.perf_counter()
    app.switch_page({script!r}).run()
print(json.dumps({{"seconds": imported + time.perf_counter() - started,
                  "exception": [str(error.value) for error in app.exception],
                  "tensorflow_imported": "tensorflow" in sys.modules}}))
"""


def cold_render(script: str, lab_home: str) -> dict:
    """Seconds to import mnist_core.ui and render `script` once, in a new interpreter."""
    environment = {**os.environ, "MNIST_LAB_HOME": lab_home}
    environment.setdefault("MNIST_LAB_OFFLINE", "1")
    environment.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    probe = PROBE.format(script=script, home=HOME)
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=environment,
                            capture_output=True, text=True, check=True)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    if report["exception"]:
        raise SystemExit(f"{script} raised while rendering: {report['exception']}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    homes, data_pages = [], []
    with tempfile.TemporaryDirectory() as lab_home:
        for _ in range(arguments.runs):  # alternating, so a neighbour's load falls on both
            homes.append(cold_render(HOME, lab_home))
            data_pages.append(cold_render(DATA_PAGE, lab_home))
    home = statistics.median(report["seconds"] for report in homes)
    data_page = statistics.median(report["seconds"] for report in data_pages)
    tensorflow_by_home = any(report["tensorflow_imported"] for report in homes)
    print(f"home page, cold: {peak.spread([report['seconds'] for report in homes], ' s', 2)} "
          f"(TensorFlow imported: {tensorflow_by_home})")
    print(f"data page, cold: {peak.spread([r['seconds'] for r in data_pages], ' s', 2)} "
          f"(TensorFlow imported: {any(r['tensorflow_imported'] for r in data_pages)})")
    print(f"data page / home, medians: {data_page / home:.2f}× (target <= 2)")
    print(json.dumps({
        "home_seconds": round(home, 3),
        "data_page_seconds": round(data_page, 3),
        "tensorflow_imported_by_home": tensorflow_by_home,
    }))


if __name__ == "__main__":
    main()
