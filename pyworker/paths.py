"""Where the project's SQL lives: the repository in a checkout, bundled data in a wheel."""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE_DIR / "_bundled"
REPO_ROOT = _PACKAGE_DIR.parent


def _data_dir(name: str) -> Path:
    bundled = _BUNDLED / name
    return bundled if bundled.is_dir() else REPO_ROOT / name


SQL_DIR = _data_dir("sql")
MIGRATIONS_DIR = _data_dir("migrations")
