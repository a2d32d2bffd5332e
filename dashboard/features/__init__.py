"""The dashboard's features, each keeping its layout fragment(s) and callbacks together.

A feature module has ``layout(...)`` (or named fragments) and ``register(app, ...)``; the factory
composes the page from the fragments and calls every ``register``. Callbacks stay thin: the work
of each is a module-level function of (runtime, inputs) so that tests call it directly, every input
is re-validated (the browser is not trusted), the map gets Patches, never new geometry, and a
callback with more than a few outputs names them (dict outputs).
"""
