"""ui.contents: the home page lists exactly the pages that exist."""

from pathlib import Path

from mnist_core import ui

ROOT = Path(__file__).resolve().parents[3]


def test_every_page_file_is_listed_once_and_every_listed_page_exists():
    on_disk = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "pages").glob("*.py"))
    listed = sorted(page.path for page in ui.PAGES)
    assert listed == on_disk


def test_each_page_says_what_it_teaches():
    for page in ui.PAGES:
        assert page.title and page.icon.startswith(":material/") and len(page.teaches) > 40
