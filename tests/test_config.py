import pytest

from portal import create_app
from portal.config import ConfigurationError

# 48 random bytes, URL-safe base64: what the docs tell operators to generate.
SECRET = "lFh0d6vJ1cP9m2Qx_T8sZr3KwYbE5nUaG7oLqVtXyN4iRjD0fHkMzS6eWpA2gC1u"
PRODUCTION_SERVICES = {
    "PORTAL_GRAPH_TENANT_ID": "tenant",
    "PORTAL_GRAPH_CLIENT_ID": "client",
    "PORTAL_GRAPH_CLIENT_SECRET": "secret",
    "PORTAL_MAIL_SERVER": "smtp.example.pt",
    "PORTAL_PUBLIC_URL": "https://atendimento.example.pt",
    "PORTAL_CLAMD_SOCKET": "/run/clamav/clamd.ctl",
}


@pytest.fixture
def production_services(monkeypatch):
    """What production needs besides a secret key: Graph, SMTP, its public address."""
    for name, value in PRODUCTION_SERVICES.items():
        monkeypatch.setenv(name, value)


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    monkeypatch.delenv("PORTAL_ENVIRONMENT", raising=False)
    with pytest.raises(ConfigurationError):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


@pytest.mark.parametrize("weak", ["dev", "short", "changeme"])
def test_production_refuses_a_guessable_secret(weak, tmp_path):
    with pytest.raises(ConfigurationError):
        create_app({"SECRET_KEY": weak, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_development_generates_a_secret_once_and_keeps_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENVIRONMENT", "development")
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"}
    from flask import Flask

    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(tmp_path / "instance"))
    first = create_app(settings).config["SECRET_KEY"]
    second = create_app(settings).config["SECRET_KEY"]
    assert len(first) >= 32 and first == second
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0


def test_every_setting_can_come_from_a_prefixed_environment_variable(
    monkeypatch, tmp_path, production_services
):
    monkeypatch.setenv("PORTAL_SECRET_KEY", SECRET)
    monkeypatch.setenv("PORTAL_HOLD_MINUTES", "20")
    monkeypatch.setenv("PORTAL_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/env.db")
    app = create_app()
    assert app.config["HOLD_MINUTES"] == 20
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.db")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_the_default_database_is_sqlite_in_the_instance_folder(
    monkeypatch, tmp_path, production_services
):
    monkeypatch.setenv("PORTAL_SECRET_KEY", SECRET)
    monkeypatch.delenv("PORTAL_SQLALCHEMY_DATABASE_URI", raising=False)
    from flask import Flask

    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(tmp_path / "instance"))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/instance/portal.sqlite3"


def test_docs_list_every_setting():
    from pathlib import Path

    from portal.config import DEFAULTS

    readme = (Path(__file__).parent.parent / "docs" / "settings.md").read_text()
    missing = [key for key in DEFAULTS if f"`PORTAL_{key}`" not in readme]
    assert not missing, f"settings missing from docs/settings.md: {missing}"


def test_production_uses_graph_by_default_and_needs_its_credentials(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_SECRET_KEY", SECRET)
    with pytest.raises(ConfigurationError) as refused:
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    for setting in ("PORTAL_GRAPH_CLIENT_SECRET", "PORTAL_MAIL_SERVER"):
        assert setting in str(refused.value)


def test_production_starts_with_graph_smtp_and_https(monkeypatch, tmp_path, production_services):
    monkeypatch.setenv("PORTAL_SECRET_KEY", SECRET)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["MEETING_PROVIDER"] == "graph"


def test_production_refuses_a_plain_http_public_url(monkeypatch, tmp_path, production_services):
    monkeypatch.setenv("PORTAL_SECRET_KEY", SECRET)
    monkeypatch.setenv("PORTAL_PUBLIC_URL", "http://atendimento.example.pt")
    with pytest.raises(ConfigurationError, match="https"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_production_uses_the_local_placeholder_only_when_told(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_SECRET_KEY", SECRET)
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
        "MEETING_PROVIDER": "local",
        "MAIL_SERVER": "smtp.example.pt",
        "PUBLIC_URL": "https://demo.example.pt",
        "MALWARE_SCAN": "off",
    }
    assert create_app(settings).config["MEETING_PROVIDER"] == "local"


def test_development_and_tests_default_to_the_local_placeholder(app):
    assert app.config["MEETING_PROVIDER"] == "local"


def test_an_unknown_meeting_provider_is_refused(tmp_path):
    with pytest.raises(ConfigurationError, match="MEETING_PROVIDER"):
        create_app(
            {
                "ENVIRONMENT": "development",
                "MEETING_PROVIDER": "zoom",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
            }
        )


def test_production_refuses_to_start_without_a_malware_scanner(
    monkeypatch, tmp_path, production_services
):
    monkeypatch.setenv("PORTAL_SECRET_KEY", SECRET)
    monkeypatch.delenv("PORTAL_CLAMD_SOCKET")
    with pytest.raises(ConfigurationError, match="PORTAL_CLAMD_SOCKET or PORTAL_CLAMD_HOST"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})

    monkeypatch.setenv("PORTAL_CLAMD_HOST", "clamav.internal")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.extensions["malware_scanner"].address == "clamav.internal:3310"


def test_production_runs_without_a_scanner_only_when_told(
    monkeypatch, tmp_path, production_services, caplog
):
    monkeypatch.setenv("PORTAL_SECRET_KEY", SECRET)
    monkeypatch.delenv("PORTAL_CLAMD_SOCKET")
    monkeypatch.setenv("PORTAL_MALWARE_SCAN", "off")
    with caplog.at_level("WARNING"):
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.extensions["malware_scanner"] is None
    assert "Malware scanning of uploads is turned off (PORTAL_MALWARE_SCAN=off)" in caplog.text


def test_development_runs_without_a_scanner_and_says_so(caplog):
    settings = {
        "ENVIRONMENT": "development",
        "SECRET_KEY": "k" * 48,
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
    }
    with caplog.at_level("WARNING"):
        create_app(settings)
    assert "not configured (DEVELOPMENT ONLY" in caplog.text


@pytest.mark.parametrize(
    "weak",
    [
        "a" * 32,  # the review's key: 32 characters, no entropy at all
        "ab" * 32,  # two symbols: 64 bits
        "abcd" * 8,  # four symbols: 64 bits
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaXy",
    ],
)
def test_production_refuses_a_low_entropy_secret(weak, monkeypatch, tmp_path, production_services):
    monkeypatch.setenv("PORTAL_SECRET_KEY", weak)
    with pytest.raises(ConfigurationError, match="PORTAL_SECRET_KEY is guessable"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_generated_secrets_pass_the_entropy_estimate():
    import secrets

    from portal.config import MIN_SECRET_BITS, estimated_entropy_bits

    assert estimated_entropy_bits("a" * 32) == 0
    for _ in range(200):
        assert estimated_entropy_bits(secrets.token_urlsafe(48)) > 2 * MIN_SECRET_BITS
        assert estimated_entropy_bits(secrets.token_urlsafe(32)) > MIN_SECRET_BITS


@pytest.mark.parametrize(
    "setting, value, message",
    [
        ("SESSION_COOKIE_SECURE", False, "PORTAL_SESSION_COOKIE_SECURE must stay true"),
        ("MAIL_PASSWORD", "hunter2", "PORTAL_MAIL_PASSWORD would cross the network in clear"),
        ("HSTS_SECONDS", 86400, "PORTAL_HSTS_SECONDS must be at least 31536000"),
        ("DOCUMENTS_DIRECTORY", "portal/static/uploads", "PORTAL_DOCUMENTS_DIRECTORY must be"),
        ("DOCUMENTS_DIRECTORY", "portal/documents-files", "PORTAL_DOCUMENTS_DIRECTORY must be"),
    ],
)
def test_production_refuses_unsafe_settings(
    setting, value, message, monkeypatch, tmp_path, production_services
):
    from portal.config import PROJECT_ROOT

    monkeypatch.setenv("PORTAL_SECRET_KEY", SECRET)
    if setting == "DOCUMENTS_DIRECTORY":
        value = str(PROJECT_ROOT / value)
    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", setting: value}
    with pytest.raises(ConfigurationError, match=message):
        create_app(settings)
    assert not (PROJECT_ROOT / "portal/static/uploads").exists(), "refused before creating it"


def test_production_accepts_smtp_passwords_over_tls(monkeypatch, tmp_path, production_services):
    monkeypatch.setenv("PORTAL_SECRET_KEY", SECRET)
    base = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "MAIL_PASSWORD": "hunter2"}
    assert create_app({**base, "MAIL_USE_TLS": True})
    assert create_app({**base, "MAIL_USE_SSL": True})
    outside = {"DOCUMENTS_DIRECTORY": str(tmp_path / "documents"), "MAIL_USE_TLS": True}
    assert create_app({**base, **outside})


def test_production_lists_every_problem_at_once(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_SECRET_KEY", "a" * 32)
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
        "MEETING_PROVIDER": "local",
        "SESSION_COOKIE_SECURE": False,
        "MAIL_SERVER": "smtp.example.pt",
        "MAIL_PASSWORD": "hunter2",
    }
    with pytest.raises(ConfigurationError) as refused:
        create_app(settings)
    message = str(refused.value)
    for problem in [
        "PORTAL_CLAMD_SOCKET or PORTAL_CLAMD_HOST",
        "PORTAL_PUBLIC_URL must be the portal's https:// address",
        "PORTAL_SECRET_KEY is guessable (about 0 bits",
        "PORTAL_SESSION_COOKIE_SECURE must stay true",
        "PORTAL_MAIL_PASSWORD would cross the network in clear",
    ]:
        assert problem in message


def test_settings_page_groups_every_setting_once_under_an_index():
    """A new engineer finds a setting from the index at the top of docs/settings.md:
    every setting is a row of exactly one group, and every group is in the index."""
    import re
    from pathlib import Path

    from portal.config import DEFAULTS

    page = (Path(__file__).parent.parent / "docs" / "settings.md").read_text()
    index, _, body = page.partition("\n<a id=")
    anchors = re.findall(r"^<a id=\"([\w-]+)\"></a>", "<a id=" + body, re.M)
    linked = re.findall(r"^\| \[[^]]+\]\(#([\w-]+)\) \|", index, re.M)
    assert anchors and linked == anchors, "the index lists every group, in order"
    rows = re.findall(r"^\| `PORTAL_(\w+)` \|", body, re.M)
    assert sorted(rows) == sorted(DEFAULTS), "each setting in exactly one group's table"


def test_production_reads_its_templates_once_and_keeps_the_offer_a_moment(
    monkeypatch, tmp_path, production_services
):
    """Templates are compiled once per process (no check of the files on every
    render), and the time page's offer is kept OFFER_CACHE_SECONDS (2) by default."""
    monkeypatch.setenv("PORTAL_SECRET_KEY", SECRET)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["ENVIRONMENT"] == "production"
    assert app.jinja_env.auto_reload is False
    assert app.extensions["offer_cache"].seconds == 2
