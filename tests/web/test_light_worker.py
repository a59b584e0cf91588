"""The web process stays light: WeasyPrint is loaded only where a PDF is rendered."""

import subprocess
import sys

from portal.config import PROJECT_ROOT

PROBE = """
import sys
from portal import create_app
app = create_app({"ENVIRONMENT": "testing", "SECRET_KEY": "x" * 40,
                  "SQLALCHEMY_DATABASE_URI": "sqlite://", "SERVER_NAME": "localhost"})
with app.test_request_context():
    app.test_client().get("/")
print(sorted(name for name in sys.modules if name.split(".")[0] in {"weasyprint", "pydyf"}))
"""


def test_creating_the_app_and_serving_a_page_does_not_import_weasyprint():
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout
