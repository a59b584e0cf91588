"""A real ClamAV daemon for the tests, with a signature database the tests write.

No signature download is possible here (nor wanted in CI), so the database is one
``.ndb`` body signature for the EICAR test string, the harmless 68 bytes every
antivirus detects by convention. clamd reports it as ``Portal.Test.EICAR.UNOFFICIAL``.
Debian's ``clamav-daemon`` package provides ``clamd``; it takes a few seconds to
load, so the tests start it once per session (``clamd`` fixture in tests/conftest.py).
"""

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from portal.malware import ClamdClient

# Built from two halves so that this source file itself does not look like the
# EICAR file to an antivirus on a developer's machine.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Portal.Test.EICAR"
CLAMD = os.environ.get("PORTAL_TEST_CLAMD") or shutil.which("clamd") or "/usr/sbin/clamd"
SKIP_REASON = f"clamd not found at {CLAMD}: apt-get install clamav-daemon"


def available() -> bool:
    return os.path.exists(CLAMD)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Clamd:
    socket_path: str
    host: str
    port: int
    log: Path
    process: subprocess.Popen

    def settings(self, tcp: bool = False) -> dict:
        if tcp:
            return {"CLAMD_HOST": self.host, "CLAMD_PORT": self.port, "CLAMD_TIMEOUT_SECONDS": 10}
        return {"CLAMD_SOCKET": self.socket_path, "CLAMD_TIMEOUT_SECONDS": 10}


def start(folder: Path, timeout: float = 90) -> Clamd:
    """Write the signature and a configuration into ``folder``, start clamd, wait for PONG."""
    database = folder / "database"
    database.mkdir()
    (database / "portal-test.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
    socket_path, port, log = folder / "clamd.sock", _free_port(), folder / "clamd.log"
    lines = [
        "Foreground yes",
        f"DatabaseDirectory {database}",
        f"LocalSocket {socket_path}",
        f"TCPSocket {port}",
        "TCPAddr 127.0.0.1",
        f"LogFile {log}",
        "StreamMaxLength 20M",
        "MaxThreads 4",
        "SelfCheck 0",
    ]
    if os.geteuid() == 0:
        lines.append("User root")  # otherwise clamd drops to a user that cannot read folder
    config = folder / "clamd.conf"
    config.write_text("\n".join(lines) + "\n")
    process = subprocess.Popen(
        [CLAMD, "--config-file", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    client = ClamdClient(socket_path=str(socket_path), timeout=2)
    deadline = time.monotonic() + timeout
    while not client.ping():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            detail = log.read_text() if log.exists() else "(no log)"
            raise RuntimeError(f"clamd did not start:\n{detail[-2000:]}")
        time.sleep(0.2)
    return Clamd(str(socket_path), "127.0.0.1", port, log, process)


def stop(daemon: Clamd) -> None:
    daemon.process.terminate()
    try:
        daemon.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        daemon.process.kill()
        daemon.process.wait()
