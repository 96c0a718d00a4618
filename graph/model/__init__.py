"""The model's tables, in one place: the kinds of resource, the access rights, the licences.

The core reads them (forms, pages, search facets, the DCAT feed) and the loaders map their sources' values onto
them; the loaders import them, never the reverse.
"""
