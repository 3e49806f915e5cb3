"""Import rules of mnist_core, read from the source with `ast` (imports inside functions too).

- Only mnist_core/ui, pages/ and streamlit_app.py import Streamlit.
- A subpackage imports only itself and the layers below it (LAYERS, lowest first).
- No two subpackages import each other, directly or through others.
Each rule is also shown to fail on a planted violation, so none can pass vacuously.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Lowest first. A package may import those on earlier lines, never those on its own line
# or later ones: cli and ui are both on top and stay apart.
LAYERS = (
    ("data",),
    ("models",),
    ("store", "drawing", "charts"),
    ("training", "evaluate"),
    ("jobs",),
    ("sweep",),
    ("worker", "cluster", "lecture"),
    ("assignment", "notebook"),
    ("cli", "ui"),
)
RANK = {package: rank for rank, line in enumerate(LAYERS) for package in line}
STREAMLIT_ALLOWED = ("mnist_core.ui", "pages", "streamlit_app")
# The server never imports Ray (a driver whose cluster goes away is ended by Ray): only the
# cluster dispatcher's package does, in its own process.
RAY_ALLOWED = ("mnist_core.cluster",)


def real_sources() -> dict[str, str]:
    """Module name -> source, for the package, the pages and the home page."""
    paths = [*sorted((ROOT / "mnist_core").rglob("*.py")), *sorted((ROOT / "pages").glob("*.py")),
             ROOT / "streamlit_app.py"]
    return {_module_name(path): path.read_text() for path in paths}


PACKAGES = {path.parent.relative_to(ROOT).as_posix().replace("/", ".")
            for path in (ROOT / "mnist_core").rglob("__init__.py")}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(source: str, module: str = "") -> set[str]:
    """Every module a source imports, anywhere in it; `from a import b` counts as a.b too,
    and a relative import is resolved against `module`."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module)
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def _absolute(node: ast.ImportFrom, module: str) -> str:
    if not node.level:
        return node.module
    package = module if module in PACKAGES else module.rpartition(".")[0]
    parts = package.split(".")
    base = ".".join(parts[:len(parts) - node.level + 1])
    return f"{base}.{node.module}" if node.module else base


def package_of(module: str) -> str | None:
    """'mnist_core.models.mlp' -> 'models'; None outside the package's subpackages (and for
    `python -m mnist_core`'s entry point, which sits above them all)."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "mnist_core" or parts[1] == "__main__":
        return None
    return parts[1]


def package_edges(sources: dict[str, str]) -> set[tuple[str, str]]:
    edges = set()
    for module, source in sources.items():
        importer = package_of(module)
        for imported in imports(source, module):
            target = package_of(imported)
            if importer and target and target != importer and target in RANK:
                edges.add((importer, target))
    return edges


def library_violations(sources: dict[str, str], library: str, allowed: tuple) -> list[str]:
    """Modules outside `allowed` that import `library` (or a package named after it, such
    as Streamlit's components)."""
    return sorted(module for module, source in sources.items()
                  if not module.startswith(allowed)
                  and any(name.split(".")[0].startswith(library)
                          for name in imports(source, module)))


def streamlit_violations(sources: dict[str, str]) -> list[str]:
    return library_violations(sources, "streamlit", STREAMLIT_ALLOWED)


def ray_violations(sources: dict[str, str]) -> list[str]:
    return library_violations(sources, "ray", RAY_ALLOWED)


def layer_violations(sources: dict[str, str]) -> list[str]:
    problems = [f"{module} is in no layer: add its package to LAYERS"
                for module in sources if package_of(module) and package_of(module) not in RANK
                and "." in module.removeprefix("mnist_core.")]
    problems += [f"{importer} imports {target}, which is not below it"
                 for importer, target in sorted(package_edges(sources))
                 if RANK[target] >= RANK[importer]]
    return problems


def cycles(sources: dict[str, str]) -> list[list[str]]:
    """Each import cycle between subpackages, as the packages along it."""
    graph: dict[str, set[str]] = {}
    for importer, target in package_edges(sources):
        graph.setdefault(importer, set()).add(target)
    found, finished = [], set()

    def visit(package, path):
        if package in path:
            found.append(path[path.index(package):] + [package])
            return
        if package in finished:
            return
        for target in sorted(graph.get(package, ())):
            visit(target, [*path, package])
        finished.add(package)

    for package in sorted(graph):
        visit(package, [])
    return found


def test_only_the_ui_layer_imports_streamlit():
    assert streamlit_violations(real_sources()) == []


def test_only_the_cluster_package_imports_ray():
    assert ray_violations(real_sources()) == []


@pytest.mark.parametrize("module", ["mnist_core.jobs.planted", "mnist_core.ui.planted"])
def test_a_planted_ray_import_is_found(module):
    assert ray_violations(with_planted(module, "def later():\n    import ray\n")) == [module]


def test_every_subpackage_imports_only_the_layers_below_it():
    assert layer_violations(real_sources()) == []


def test_no_two_subpackages_import_each_other():
    assert cycles(real_sources()) == []


def test_mnist_core_itself_holds_only_its_entry_points_and_subpackages():
    top = sorted(path.name for path in (ROOT / "mnist_core").glob("*.py"))
    assert top == ["__init__.py", "__main__.py"]
    subpackages = {path.parent.name for path in (ROOT / "mnist_core").glob("*/__init__.py")}
    assert subpackages == set(RANK)


def with_planted(module: str, source: str) -> dict[str, str]:
    return {**real_sources(), module: source}


@pytest.mark.parametrize("module, source", [
    ("mnist_core.models.planted", "import streamlit as st\n"),
    ("mnist_core.store.planted", "def show():\n    from streamlit import write\n"),
    ("mnist_core.drawing.planted", "from streamlit_drawable_canvas import st_canvas\n"),
])
def test_a_planted_streamlit_import_is_found(module, source):
    assert streamlit_violations(with_planted(module, source)) == [module]


@pytest.mark.parametrize("module, source, message", [
    ("mnist_core.data.planted", "from mnist_core import store\n",
     "data imports store, which is not below it"),
    ("mnist_core.models.planted", "def later():\n    from mnist_core.jobs import queue\n",
     "models imports jobs, which is not below it"),
    ("mnist_core.store.planted", "import mnist_core.training.loop\n",
     "store imports training, which is not below it"),
    ("mnist_core.cli.planted", "from mnist_core.ui import sidebar\n",
     "cli imports ui, which is not below it"),
    ("mnist_core.data.planted", "from ..jobs import queue\n",
     "data imports jobs, which is not below it"),
    ("mnist_core.data.planted", "from .. import store\n",
     "data imports store, which is not below it"),
    ("mnist_core.gadgets.planted", "", "mnist_core.gadgets.planted is in no layer"),
])
def test_a_planted_upward_import_is_found(module, source, message):
    assert any(problem.startswith(message)
               for problem in layer_violations(with_planted(module, source)))


def test_a_planted_cycle_is_found_even_inside_a_function():
    # sweep imports jobs; a jobs module that imports sweep inside a function closes a cycle.
    planted = with_planted("mnist_core.jobs.planted",
                           "def run():\n    from mnist_core import sweep\n")
    # Found from whichever of the two the walk reaches first.
    assert any(sorted(cycle[:-1]) == ["jobs", "sweep"] for cycle in cycles(planted))
