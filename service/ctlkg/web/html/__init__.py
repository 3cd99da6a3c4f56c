"""The pages people read: home, query workbench, pictures, resource pages (linked data, HTML or RDF),
the ontology's documentation; Jinja2 templates and static files live beside them.

May import ``ctlkg.web``'s plumbing and everything below the web; never ``ctlkg.web.api``.
"""
