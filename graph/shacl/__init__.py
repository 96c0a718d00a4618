"""SHACL Core compiled to SPARQL, run by pyoxigraph on the store where the data is.

``graph.validation`` is the entry point the rest of the code uses; this package is its engine:

- ``parse``: the shapes graph read into the model (``model``, ``paths``), refusing what it does not handle;
- ``compile``: each shape with targets compiled into one SELECT per constraint (``Unit``), with probes that do
  not depend on the focus nodes; ``focus``: the focus nodes of a unit; ``conform``: nested shapes as
  expressions (EXISTS);
- ``engine``: runs the units on a ``Source`` (``sources``), batched (``batch``), builds the results
  (``messages``, ``report``), and hands refused shapes to pyshacl (``fallback``);
- ``lexical``: the literals rdflib and the store read differently, for sh:datatype.
"""
