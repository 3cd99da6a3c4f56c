"""Synthetic data shaped like ``data/``: N clusters that conform to our shapes (``clusters``), drawn from
fixed pools (``pools``) and written as Turtle by hand (``turtle``), the same bytes for the same seed.

May import ``ctlkg.rdf`` only.
"""
