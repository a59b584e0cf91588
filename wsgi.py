"""Entry point for a WSGI server: ``gunicorn wsgi:app``."""

from portal import create_app

app = create_app()
