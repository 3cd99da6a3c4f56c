"""From the Turtle sources to a store: ``oxigraph`` parses, validates, reasons and scores inside Oxigraph
(what ``ctlkg build`` and ``ctlkg serve`` use), ``reference`` does the same with rdflib, pyshacl and owlrl
(``--reference`` and the equivalence tests). Then the store itself (``store``), validated writes to it
(``writes``), its dumps (``exports``), backups (``backup``) and loading it into a remote engine
(``remote_load``).

May import ``ctlkg.synergy``, ``ctlkg.sparql``, ``ctlkg.reasoning``, ``ctlkg.shacl``, ``ctlkg.rdf`` and the
top-level ``config`` and ``errors``; never the engine, the web or the CLI.
"""
