"""Asking the graph: the Backend protocol and its two stores (``embedded`` in this process, ``remote`` over
HTTP), a lexer for the first refusals, reading a protocol operation, content negotiation and result
formats, named queries with their typed parameters, kept answers and the runner that bounds blocking calls.

May import ``ctlkg.rdf``, ``ctlkg.config`` and ``ctlkg.errors``; never the build, the engine or the web.
"""
