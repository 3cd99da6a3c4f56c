"""The ``ctlkg`` command line: one Typer app (``main``) whose commands are thin shells over the packages
below; the longer commands (``backup``, ``synergies``, ``synth``) have their own modules.

May import everything; nothing imports it.
"""
