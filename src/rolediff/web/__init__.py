"""The dashboard's pages, templates and static files (served by :mod:`rolediff.api`)."""
