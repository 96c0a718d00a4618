"""Harvesting: sources hand records to the pipeline (gather, match, validate, write through the writer).

The pipeline and its records, keys, merging and reports are the core's; the sources themselves (DCAT
catalogues, source adapters) are plugins (``graph.plugins``), the bundled ones in ``loaders/``.
"""
