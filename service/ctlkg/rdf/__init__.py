"""The ground floor: the IRIs of the graph (``namespaces``), this server's URL space for them (``links``),
where the project's files are (``paths``), reading the ontology and data Turtle files (``sources``) and a
small index over a list of triples (``index``).

May import ``ctlkg.errors`` and ``ctlkg.config`` only: everything else builds on this.
"""
