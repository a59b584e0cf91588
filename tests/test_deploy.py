"""deploy/: the environment template lists every setting and production starts from
it once its blanks are filled; the gunicorn config sizes itself and the database
pool; nginx accepts what the portal accepts; every systemd unit runs a command that
exists. (tests/rehearsal runs the whole set for real.)"""

import re
import runpy
import shlex
from pathlib import Path

import pytest

from portal import create_app
from portal.citizen.documents import upload_limit
from portal.config import DEFAULTS, ConfigurationError

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
TEMPLATE = DEPLOY / "portal.env.example"
SECRET = "lFh0d6vJ1cP9m2Qx_T8sZr3KwYbE5nUaG7oLqVtXyN4iRjD0fHkMzS6eWpA2gC1u"


def environment_file(path: Path) -> tuple[dict, set]:
    """(settings set, names listed commented out) as systemd and a shell read them."""
    values, commented = {}, set()
    for line in path.read_text().splitlines():
        listed = re.match(r"#\s*((?:PORTAL|GUNICORN)_\w+)=", line)
        if listed:
            commented.add(listed.group(1))
        elif line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = shlex.split(value)[0] if value else ""
    return values, commented


def test_the_template_lists_every_setting():
    values, commented = environment_file(TEMPLATE)
    listed = set(values) | commented
    missing = [f"PORTAL_{key}" for key in DEFAULTS if f"PORTAL_{key}" not in listed]
    assert not missing, f"deploy/portal.env.example lacks {missing}"
    assert not set(values) & commented, "a setting both set and commented out"
    documented = (DEPLOY.parent / "docs" / "settings.md").read_text()
    gunicorn = {name for name in listed if name.startswith("GUNICORN_")}
    assert gunicorn and all(f"`{name}`" in documented for name in gunicorn)


def test_production_starts_from_the_template_once_its_blanks_are_filled(monkeypatch, tmp_path):
    values, _ = environment_file(TEMPLATE)
    blanks = sorted(name for name, value in values.items() if value == "")
    assert blanks == [
        "PORTAL_GRAPH_CLIENT_ID",
        "PORTAL_GRAPH_CLIENT_SECRET",
        "PORTAL_GRAPH_TENANT_ID",
        "PORTAL_SECRET_KEY",
    ]
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    # As given, production refuses and names what to fill in.
    with pytest.raises(ConfigurationError, match="PORTAL_SECRET_KEY"):
        create_app()
    filled = {
        "PORTAL_SECRET_KEY": SECRET,
        "PORTAL_GRAPH_TENANT_ID": "tenant",
        "PORTAL_GRAPH_CLIENT_ID": "client",
        "PORTAL_GRAPH_CLIENT_SECRET": "secret",
        # This machine's paths instead of the server's:
        "PORTAL_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/portal.sqlite3",
        "PORTAL_DOCUMENTS_DIRECTORY": str(tmp_path / "documents"),
    }
    for name, value in filled.items():
        monkeypatch.setenv(name, value)
    app = create_app()
    assert app.config["ENVIRONMENT"] == "production"
    assert app.config["PROXY_COUNT"] == 1 and app.config["MAIL_USE_TLS"] is True
    assert app.config["MAIL_DEFAULT_SENDER"].startswith("Segurança Social <")


def gunicorn_settings(monkeypatch, **environment) -> dict:
    names = ("GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_BIND")
    for name in (*names, "PORTAL_SQLALCHEMY_ENGINE_OPTIONS"):
        # Recorded, so what the config file writes into os.environ is undone too.
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))


def test_gunicorn_sizes_from_the_cpus_and_the_pool_from_the_threads(monkeypatch):
    import multiprocessing
    import os

    cpus = multiprocessing.cpu_count()
    settings = gunicorn_settings(monkeypatch)
    assert settings["workers"] == cpus + 1
    assert settings["threads"] == min(2 * cpus, 8)
    assert settings["max_requests"] > 0 and settings["max_requests_jitter"] > 0
    assert "request_id=%({x-request-id}i)s" in settings["access_log_format"]
    assert callable(settings["child_exit"]), "the metrics hook"
    pool = os.environ["PORTAL_SQLALCHEMY_ENGINE_OPTIONS"]
    assert f'"pool_size": {2 * settings["threads"]}' in pool

    settings = gunicorn_settings(
        monkeypatch, GUNICORN_WORKERS="3", GUNICORN_THREADS="6", GUNICORN_BIND="127.0.0.1:9001"
    )
    assert (settings["workers"], settings["threads"], settings["bind"]) == (
        3,
        6,
        ["127.0.0.1:9001"],
    )
    assert '"pool_size": 12' in os.environ["PORTAL_SQLALCHEMY_ENGINE_OPTIONS"]


def test_gunicorn_refuses_a_pool_smaller_than_two_connections_per_thread(monkeypatch):
    with pytest.raises(RuntimeError, match="2 per thread"):
        gunicorn_settings(
            monkeypatch,
            GUNICORN_THREADS="8",
            PORTAL_SQLALCHEMY_ENGINE_OPTIONS='{"pool_size": 10, "max_overflow": 5}',
        )
    chosen = '{"pool_size": 14, "max_overflow": 2}'
    gunicorn_settings(monkeypatch, GUNICORN_THREADS="8", PORTAL_SQLALCHEMY_ENGINE_OPTIONS=chosen)
    import os

    assert os.environ["PORTAL_SQLALCHEMY_ENGINE_OPTIONS"] == chosen, "the operator's kept"


def test_nginx_accepts_the_largest_upload_and_not_a_mebibyte_more():
    site = (DEPLOY / "nginx" / "portal.conf").read_text()
    (megabytes,) = re.findall(r"^\s*client_max_body_size (\d+)m;", site, re.M)
    accepted = int(megabytes) * 1024 * 1024
    largest = upload_limit(DEFAULTS)
    assert largest <= accepted < largest + 1024 * 1024


def test_nginx_never_passes_metrics_on():
    site = (DEPLOY / "nginx" / "portal.conf").read_text()
    assert re.search(r"location = /metrics \{\s*return 404;", site)


def test_every_unit_runs_a_command_the_portal_has(app):
    units = sorted((DEPLOY / "systemd").glob("*.service"))
    commands = []
    for unit in units:
        (start,) = re.findall(r"^ExecStart=(.*)$", unit.read_text(), re.M)
        words = shlex.split(start)
        if "flask" in Path(words[0]).name:
            commands.append(words[words.index("portal") + 1 :])
    assert len(commands) == 5
    cli = app.cli
    for words in commands:
        group = cli
        for word in [w for w in words if not w.startswith("-")]:
            group = group.get_command(None, word)
            assert group is not None, f"no command {words}"
    for timer in (DEPLOY / "systemd").glob("*.timer"):
        assert timer.with_suffix(".service").exists()
        assert "OnCalendar=" in timer.read_text()
