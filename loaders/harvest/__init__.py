"""Harvesting: DCAT catalogues and source adapters, through one pipeline (gather, map, validate, write)."""
