"""The portal served over real HTTP on a free loopback port, for browsers and races."""

import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

from portal.extensions import db


@contextmanager
def serving(app):
    """Serve the app (one thread per request) on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()
