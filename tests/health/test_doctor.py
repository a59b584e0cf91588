"""``flask doctor`` before go-live: one line per check, exit 1 on any failure —
settings production refuses, database down, migrations behind, SMTP refusing or
closed, a Graph secret refused, clamd silent, a documents folder that cannot be
written."""

import pytest
from flask_migrate import downgrade, upgrade

from portal.extensions import db
from tests.conftest import graph_settings, make_app
from tests.doubles.smtp import free_port

SECRET = "lFh0d6vJ1cP9m2Qx_T8sZr3KwYbE5nUaG7oLqVtXyN4iRjD0fHkMzS6eWpA2gC1u"


@pytest.fixture
def ready_settings(smtp, tmp_path):
    """Settings production accepts, with the SMTP double as the mail server."""
    return {
        "SECRET_KEY": SECRET,
        "SESSION_COOKIE_SECURE": True,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp.port,
        "MAIL_TIMEOUT_SECONDS": 5,
        "PUBLIC_URL": "https://atendimento.example.pt",
        "MEETING_PROVIDER": "local",
        "MALWARE_SCAN": "off",
        "DOCUMENTS_DIRECTORY": str(tmp_path / "documents"),
    }


@pytest.fixture
def doctor(tmp_path, ready_settings):
    """Run ``flask doctor`` on a migrated SQLite database with these settings changed."""
    apps = []

    def run(migrate_to="head", **changes):
        url = changes.pop("database_url", f"sqlite:///{tmp_path / 'portal.sqlite3'}")
        app = make_app(url, tmp_path, **{**ready_settings, **changes})
        apps.append(app)
        if migrate_to:
            with app.app_context():
                upgrade()
                if migrate_to != "head":
                    downgrade(revision=migrate_to)
        result = app.test_cli_runner().invoke(args=["doctor"])
        lines = {line.split()[1]: line for line in result.output.splitlines()[:-1]}
        return result.exit_code, lines, result.output

    yield run
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def test_everything_ready_passes_with_one_line_per_check(doctor):
    status, lines, output = doctor()
    assert status == 0, output
    assert list(lines) == [
        "settings",
        "database",
        "migrations",
        "redis",
        "outbox",
        "smtp",
        "graph",
        "clamd",
        "documents",
    ]
    assert lines["smtp"].startswith("ok") and "EHLO" in lines["smtp"]
    assert lines["redis"].startswith("--"), "not configured: shown, not failed"
    assert output.splitlines()[-1] == "All checks passed."


def test_settings_production_refuses_fail(doctor):
    status, lines, _ = doctor(SESSION_COOKIE_SECURE=False, PUBLIC_URL=None)
    assert status == 1 and lines["settings"].startswith("FAIL")
    assert "PORTAL_SESSION_COOKIE_SECURE" in lines["settings"]
    assert "PORTAL_PUBLIC_URL" in lines["settings"]


def test_database_down_fails(doctor):
    url = f"postgresql+psycopg://127.0.0.1:{free_port()}/portal"
    status, lines, output = doctor(migrate_to=None, database_url=url)
    assert status == 1
    assert lines["database"].startswith("FAIL") and "refused" in lines["database"].lower()
    assert output.splitlines()[-1].startswith("3 failing: database, migrations, outbox")


def test_migrations_behind_fail(doctor):
    status, lines, _ = doctor(migrate_to="-1")
    assert status == 1 and lines["migrations"].startswith("FAIL")
    assert "flask --app portal db upgrade" in lines["migrations"]


def test_smtp_on_a_closed_port_fails(doctor):
    status, lines, _ = doctor(MAIL_PORT=free_port())
    assert status == 1 and lines["smtp"].startswith("FAIL")
    assert "refused" in lines["smtp"].lower()


def test_smtp_refusing_starttls_and_login_fails(doctor):
    # The double offers neither STARTTLS nor AUTH, as a misconfigured relay would.
    status, lines, _ = doctor(MAIL_USE_TLS=True)
    assert status == 1 and "after EHLO" in lines["smtp"] and "STARTTLS" in lines["smtp"]
    status, lines, _ = doctor(MAIL_USERNAME="portal")
    assert status == 1 and "after EHLO" in lines["smtp"] and "AUTH" in lines["smtp"]


def test_graph_token_granted_or_refused(doctor, graph):
    status, lines, output = doctor(**graph_settings(graph))
    assert status == 0, output
    assert lines["graph"].startswith("ok") and "token granted" in lines["graph"]
    graph.client_secret = "a-rotated-secret"
    status, lines, _ = doctor(**graph_settings(graph))
    assert status == 1 and "invalid_client" in lines["graph"]


def test_clamd_configured_but_silent_fails(doctor):
    status, lines, _ = doctor(MALWARE_SCAN=None, CLAMD_HOST="127.0.0.1", CLAMD_PORT=free_port())
    assert status == 1 and lines["clamd"].startswith("FAIL")


def test_clamd_answering_passes(doctor, clamd):
    status, lines, output = doctor(MALWARE_SCAN=None, CLAMD_SOCKET=clamd.socket_path)
    assert status == 0, output
    assert lines["clamd"].startswith("ok")


def test_documents_folder_not_writable_fails(doctor, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    status, lines, _ = doctor(DOCUMENTS_DIRECTORY=str(blocker / "documents"))
    assert status == 1 and lines["documents"].startswith("FAIL")


def test_redis_down_fails(doctor):
    status, lines, _ = doctor(RATELIMIT_REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    assert status == 1 and lines["redis"].startswith("FAIL")
    assert "refused" in lines["redis"].lower()
