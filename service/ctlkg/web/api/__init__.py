"""The machine-facing routes: the SPARQL 1.1 query and update operations and their service description,
the Graph Store protocol, the named-query and synergy APIs, the dumps and the VoID description.

May import ``ctlkg.web``'s plumbing and everything below the web; never ``ctlkg.web.html``.
"""
