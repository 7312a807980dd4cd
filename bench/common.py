"""Helpers shared by the bench scripts: DuckDB/Polars in bench/.venv and the
release build of detente."""
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
VENV = HERE / ".venv"


def ensure_duckdb(script):
    """Imports DuckDB, or installs DuckDB and Polars into bench/.venv and
    re-runs `script` with that interpreter."""
    try:
        import duckdb  # noqa: F401
        return
    except ImportError:
        pass
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", "duckdb", "polars"], check=True)
    os.execv(str(py), [str(py), script, *sys.argv[1:]])


def detente_bin():
    """Builds detente with --release (under CARGO_TARGET_DIR when set) and
    returns the binary's path, or the binary DETENTE_BIN names (a release
    build made earlier)."""
    if os.environ.get("DETENTE_BIN"):
        return os.environ["DETENTE_BIN"]
    subprocess.run(["cargo", "build", "--release", "--locked", "-p", "detente-cli"], cwd=REPO, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
    return str(target / "release" / "detente")
