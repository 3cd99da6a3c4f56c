"""Where clusters meet: the per-dimension SPARQL (``queries``), the scores and their model (``scores``, one
pair at a time over any Backend), every pair scored in numpy blocks and the best materialised (``blocks``,
what the build uses), the synergies as RDF (``graph``) and as JSON or a network file (``export``).

May import ``ctlkg.sparql``, ``ctlkg.rdf`` and ``ctlkg.errors``.
"""
