"""The linked-data service: SPARQL endpoint, Graph Store, dereferenceable IRIs, descriptions."""
