"""`enrich ui`: the web dashboard (app.py: pages and actions; security.py: authentication and
form checks; charts.py: SVG charts; templates/ and static/: what the browser gets)."""

from pyworker.ui.app import create_app

__all__ = ["create_app"]
