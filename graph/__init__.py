"""Ressourcerie: a linked-data knowledge graph of the digital commons used by French public administrations."""

from __future__ import annotations

__version__ = "0.1.0"
