"""The production set, on loopback, from the files in deploy/: nginx (Debian's, with
deploy/nginx/portal.conf and a throwaway certificate) in front of two gunicorn
instances (deploy/gunicorn.conf.py), two outbox workers, PostgreSQL (a database of
its own), Redis and an SMTP sink. Every process runs with ``PORTAL_ENVIRONMENT=
production``, as systemd would start it from the environment file.
"""

import contextlib
import datetime
import ipaddress
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.doubles.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = "/usr/sbin/nginx"
BIN = Path(sys.executable).parent


def throwaway_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the clients verify against it)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert, private = folder / "cert.pem", folder / "key.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, private


def _replace(site: str, old: str, new: str) -> str:
    # Each replaced line must be in the site file: if the file changes, the
    # rehearsal says so rather than quietly running something else.
    assert old in site, f"deploy/nginx/portal.conf no longer has {old!r}"
    return site.replace(old, new)


def rendered_site(folder: Path, https_port: int, http_port: int, upstreams, cert, key) -> str:
    """deploy/nginx/portal.conf with loopback ports, the two instances and local paths."""
    site = (DEPLOY / "nginx" / "portal.conf").read_text()
    servers = "\n".join(f"    server 127.0.0.1:{port};" for port in upstreams)
    site = _replace(site, "    server 127.0.0.1:8000;", servers)
    site = _replace(site, "    listen 80;", f"    listen 127.0.0.1:{http_port};")
    site = _replace(site, "    listen [::]:80;\n", "")
    site = _replace(
        site, "    listen 443 ssl http2;", f"    listen 127.0.0.1:{https_port} ssl http2;"
    )
    site = _replace(site, "    listen [::]:443 ssl http2;\n", "")
    site = _replace(site, "/etc/letsencrypt/live/portal.example.pt/fullchain.pem", str(cert))
    site = _replace(site, "/etc/letsencrypt/live/portal.example.pt/privkey.pem", str(key))
    site = _replace(site, "/srv/portal/portal/static/", f"{ROOT / 'portal' / 'static'}/")
    site = _replace(site, "/var/log/nginx/portal.access.log", str(folder / "access.log"))
    site = _replace(site, "/var/www/letsencrypt", str(folder / "acme"))
    return site


def nginx_config(folder: Path, site: str) -> Path:
    """A main nginx.conf as Debian's (mime types, one http block) around the site,
    with every path in ``folder`` so nginx runs as a foreground process of the test."""
    (folder / "site.conf").write_text(site)
    temp = folder / "temp"
    temp.mkdir(exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(
        f"""{user}daemon off;
worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/site.conf;
}}
"""
    )
    return config


@dataclass
class Stack:
    folder: Path
    postgresql_url: str
    redis_url: str
    smtp_port: int
    https_port: int = field(default_factory=free_port)
    http_port: int = field(default_factory=free_port)
    web_ports: list = field(default_factory=lambda: [free_port(), free_port()])
    processes: dict = field(default_factory=dict)
    database_url: str = ""
    certificate: Path | None = None
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(48))

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def environment(self) -> dict:
        """What /etc/portal/portal.env holds, for this machine's loopback services."""
        kept = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "GUNICORN_"))}
        return {
            **kept,
            "PORTAL_ENVIRONMENT": "production",
            "PORTAL_SECRET_KEY": self.secret_key,
            "PORTAL_PUBLIC_URL": self.base_url,
            "PORTAL_SQLALCHEMY_DATABASE_URI": self.database_url,
            "PORTAL_RATELIMIT_REDIS_URL": self.redis_url,
            "PORTAL_PROXY_COUNT": "1",
            "PORTAL_DOCUMENTS_DIRECTORY": str(self.folder / "documents"),
            "PORTAL_MAIL_SERVER": "127.0.0.1",
            "PORTAL_MAIL_PORT": str(self.smtp_port),
            "PORTAL_MEETING_PROVIDER": "local",
            "PORTAL_MALWARE_SCAN": "off",
            # Quick passes, and a short lease so the message a killed worker held is
            # taken over within the rehearsal's few minutes (300 s in production).
            "PORTAL_OUTBOX_POLL_SECONDS": "1",
            "PORTAL_OUTBOX_LEASE_SECONDS": "15",
            # Sessions are at least a working day ahead: no reminder is due yet.
            "PORTAL_REMINDER_HOURS": "1",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": "4",
        }

    # Services --------------------------------------------------------------------

    def create_database(self) -> None:
        """A database of its own beside the test database, emptied for each run (kept
        afterwards: dropping a database forces a checkpoint, slow on a busy server)."""
        url = make_url(self.postgresql_url)
        name = f"{url.database}_rehearsal"
        self.database_url = url.set(database=name).render_as_string(hide_password=False)
        server = create_engine(self.postgresql_url, isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        server.dispose()
        own = create_engine(self.database_url)
        with own.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        own.dispose()

    def flask(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / "flask"), "--app", "portal", *args],
            cwd=ROOT,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=120,
        )

    def start(self, name: str, command: list[str], **environment) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 — closed by the process end
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**self.environment(), **environment},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with its children
        )
        self.processes[name] = process
        return process

    def start_web(self) -> None:
        for number, port in enumerate(self.web_ports, 1):
            self.start(
                f"web{number}",
                [str(BIN / "gunicorn"), "--config", str(DEPLOY / "gunicorn.conf.py"), "wsgi:app"],
                GUNICORN_BIND=f"127.0.0.1:{port}",
            )
        for port in self.web_ports:
            self.wait_for(f"http://127.0.0.1:{port}/healthz")

    def start_workers(self) -> None:
        for number in (1, 2):
            self.start(
                f"worker{number}",
                [str(BIN / "flask"), "--app", "portal", "outbox", "deliver", "--loop"],
            )

    def start_nginx(self) -> None:
        self.certificate, key = throwaway_certificate(self.folder)
        site = rendered_site(
            self.folder, self.https_port, self.http_port, self.web_ports, self.certificate, key
        )
        config = nginx_config(self.folder, site)
        checked = subprocess.run(
            [NGINX, "-t", "-p", str(self.folder), "-c", str(config), "-e", "stderr"],
            capture_output=True,
            text=True,
        )
        assert checked.returncode == 0, checked.stderr
        self.start("nginx", [NGINX, "-p", str(self.folder), "-c", str(config), "-e", "stderr"])
        self.wait_for(f"{self.base_url}/healthz", verify=str(self.certificate))

    def wait_for(self, url: str, timeout: float = 60, **kwargs) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(url, timeout=2, **kwargs).status_code == 200:
                    return
            except requests.RequestException:
                pass
            dead = [name for name, p in self.processes.items() if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                raise AssertionError(f"{url} never answered (stopped: {dead})\n" + self.logs())
            time.sleep(0.2)

    def kill(self, name: str) -> None:
        """``kill -9`` of the process itself (not its group: its children are orphaned,
        as when the kernel's OOM killer picks it)."""
        os.kill(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait(10)

    def stop(self) -> None:
        for name, process in self.processes.items():
            try:
                # gunicorn: INT is its quick stop; nginx and the workers stop on TERM.
                os.killpg(process.pid, signal.SIGINT if name.startswith("web") else signal.SIGTERM)
            except ProcessLookupError:
                continue
        deadline = time.monotonic() + 5  # then killed: a clean stop is not what is tested
        for process in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
        for process in self.processes.values():
            # Children a killed worker left behind (its PDF renderer).
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

    def logs(self, lines: int = 30) -> str:
        shown = []
        for name in self.processes:
            path = self.folder / f"{name}.log"
            tail = path.read_text(errors="replace").splitlines()[-lines:] if path.exists() else []
            shown.append(f"--- {name}\n" + "\n".join(tail))
        return "\n".join(shown)


def available() -> str | None:
    """Why the rehearsal cannot run here, or None."""
    if not Path(NGINX).exists():
        return f"nginx not installed ({NGINX}; Debian package nginx)"
    if not (BIN / "gunicorn").exists():
        return f"gunicorn not installed in {BIN}"
    return None
