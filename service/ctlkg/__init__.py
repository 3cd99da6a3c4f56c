"""ctlkg: the open knowledge graph of the Cluster Tecnologici Lombardi."""

from __future__ import annotations

__version__ = "0.1.0"
