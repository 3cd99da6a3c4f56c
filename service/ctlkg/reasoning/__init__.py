"""OWL RL reasoning, two ways with the same inferences: ``reference`` runs owlrl on rdflib graphs, ``rules``
runs the rules our ontology needs as SPARQL updates to a fixed point in Oxigraph (``schema`` closes the
ontology and compiles the rule templates), which is what every command uses.

May import ``ctlkg.rdf`` and ``ctlkg.errors``.
"""
