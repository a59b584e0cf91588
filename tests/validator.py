"""The Nu Html Checker (vnu.jar), run once over a batch of files.

The checker ships in the npm package ``vnu-jar``; it runs with Java (11 or later).
``.ci/run`` installs it into ``.ci/node_modules`` (``npm ci --prefix .ci``); set
``PORTAL_TEST_VNU_JAR`` to use a copy elsewhere. Without Java or the jar, the tests
that need it are skipped with the reason; CI fails on any skip.

One JVM start costs seconds, so callers write every document to a folder first and
check them all in one run.
"""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JAR = ROOT / ".ci" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL_HINT = "npm ci --prefix .ci (Java 11 or later on PATH)"


@dataclass(frozen=True)
class Problem:
    line: int | None
    message: str
    extract: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}\n    {self.extract.strip()!r}"


def vnu_jar_or_skip() -> tuple[str, Path]:
    """(java, jar), or skip the test saying what to install."""
    jar = Path(os.environ.get("PORTAL_TEST_VNU_JAR", DEFAULT_JAR))
    java = shutil.which("java")
    if java is None:
        pytest.skip(f"Java not found: the Nu Html Checker needs it ({INSTALL_HINT})")
    if not jar.is_file():
        pytest.skip(f"Nu Html Checker not found at {jar}: {INSTALL_HINT}")
    return java, jar


def check(files: list[Path], java: str, jar: Path) -> dict[Path, list[Problem]]:
    """Errors per file (warnings are not reported), from one run of the checker."""
    result = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", "--stdout"]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode not in (0, 1) or not result.stdout.strip():
        raise RuntimeError(f"the checker failed ({result.returncode}): {result.stderr[-2000:]}")
    problems: dict[Path, list[Problem]] = {Path(f).resolve(): [] for f in files}
    for message in json.loads(result.stdout)["messages"]:
        if message["type"] not in ("error", "non-document-error"):
            continue
        path = Path(unquote(urlsplit(message.get("url", "")).path)).resolve()
        problems.setdefault(path, []).append(
            Problem(message.get("lastLine"), message["message"], message.get("extract", ""))
        )
    return problems
