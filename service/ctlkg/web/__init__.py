"""The web service: ``app`` assembles the routes, middleware and error mapping around a backend; ``api``
holds the machine-facing routes (SPARQL protocol, Graph Store, named queries, synergies, dumps, VoID) and
``html`` the pages and linked data; ``middleware``, ``errors``, ``http_protocol`` and ``base_url`` are the
HTTP plumbing they share.

May import everything below it (engine, build, synergy, sparql, reasoning, shacl, rdf); never the CLI.
"""
