"""The code base keeps its own rules: lint, import order."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*command):
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


def test_flake8_finds_nothing():
    result = run(sys.executable, "-m", "flake8", "portal", "tests", "wsgi.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_imports_are_sorted():
    result = run(
        sys.executable, "-m", "isort", "--check-only", "--diff", "portal", "tests", "wsgi.py"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_is_formatted_with_black():
    result = run(
        sys.executable, "-m", "black", "--check", "-l", "100", "portal", "tests", "wsgi.py"
    )
    assert result.returncode == 0, result.stdout + result.stderr
