"""The embedded engine's query path: every query, and every update's user text, is evaluated by pyoxigraph
in a worker process that the operating system fences (no sockets, no files outside the store and the
Python installation) and that the pool kills when it passes its time limit or its memory ceiling.

The web process keeps the master store, applies validated writes to it and publishes a checkpoint that the
workers reopen; it never evaluates a client's SPARQL text itself. May import ``ctlkg.errors``,
``ctlkg.namespaces`` and, inside the worker for writes only, ``ctlkg.writes``; nothing from the web layer.
"""
