"""The machine-facing protocols: SPARQL 1.1 Protocol and Update (/sparql), the Graph Store Protocol (/store), the
DCAT-AP feed (/catalog), VoID, the service description and the dump."""
