"""Validation against our SHACL shapes, two ways with the same verdicts: ``reference`` runs pyshacl on rdflib
graphs, ``compiled`` runs the shapes compiled to SPARQL (by ``compiler``) on Oxigraph, which is what every
command uses; the reference is reached with ``--reference`` and in the equivalence tests.

May import ``ctlkg.rdf`` and ``ctlkg.errors``.
"""
