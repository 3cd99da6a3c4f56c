"""Where the project's files live: ontology, shapes, data and queries."""

from __future__ import annotations

import os
from pathlib import Path

#: The repository root; CTLKG_HOME points elsewhere for an installed copy.
ROOT = Path(os.environ.get("CTLKG_HOME", Path(__file__).resolve().parents[3]))
ONTOLOGY_DIR = ROOT / "ontology"
SHAPES_DIR = ONTOLOGY_DIR / "shapes"
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"


def ontology_files(ontology_dir: Path = ONTOLOGY_DIR) -> list[Path]:
    """The ontology proper: every Turtle file at the top of ontology/, shapes excluded."""
    return sorted(ontology_dir.glob("*.ttl"))


def shape_files(shapes_dir: Path = SHAPES_DIR) -> list[Path]:
    return sorted(shapes_dir.glob("*.ttl"))


def data_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """Every Turtle file under the data folder, in a stable order."""
    return sorted(data_dir.rglob("*.ttl"))
