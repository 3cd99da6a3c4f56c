"""The embedded engine's query path: every query, and every update's user text, is evaluated by pyoxigraph
in a worker process that the operating system fences (no sockets, no files outside the store and the
Python installation) and that the pool kills when it passes its time limit or its memory ceiling.

The web process keeps the master store, applies validated writes to it and publishes a version that the
workers reopen; it never evaluates a client's SPARQL text itself.

Modules: ``pool`` (slots, deadlines, memory, the long-query lane), ``process`` (one worker process as the
pool sees it), ``worker`` and ``evaluate`` (what runs in a worker), ``fence`` (seccomp and Landlock),
``framing`` (the pipe protocol), ``checkpoint`` (published versions), ``fenced`` (the Backend over the pool),
``writer`` and ``trial`` (writes tried in a worker).
May import ``ctlkg.build`` (validated writes), ``ctlkg.sparql`` (the Backend protocol, the lexer, the kinds of
answer), ``ctlkg.rdf`` and ``ctlkg.errors``; never the web or the CLI.
"""
