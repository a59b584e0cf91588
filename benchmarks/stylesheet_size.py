"""How much the stylesheet grew against a git revision (issue budget: 10 KB at most).

    .venv/bin/python benchmarks/stylesheet_size.py [--since REVISION] [--budget BYTES]

Compares portal/static/css/portal.css in the working tree with its copy at REVISION
(default: where this branch left main, ``git merge-base HEAD main``), as sent
uncompressed and gzip-compressed (what the browser downloads). Exits 1 over budget.
"""

import argparse
import gzip
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STYLESHEET = "portal/static/css/portal.css"


def git(*arguments) -> bytes:
    return subprocess.run(["git", *arguments], cwd=ROOT, check=True, capture_output=True).stdout


def sizes(content: bytes) -> tuple[int, int]:
    return len(content), len(gzip.compress(content, compresslevel=9, mtime=0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--since", help="git revision to compare with (default: merge-base)")
    parser.add_argument("--budget", type=int, default=10 * 1024, help="bytes (default 10240)")
    options = parser.parse_args()
    since = options.since or git("merge-base", "HEAD", "main").decode().strip()
    before = sizes(git("show", f"{since}:{STYLESHEET}"))
    now = sizes((ROOT / STYLESHEET).read_bytes())
    growth = now[0] - before[0]
    print(f"{STYLESHEET} since {since[:10]}:")
    print(f"  raw:  {before[0]:6d} → {now[0]:6d} bytes ({growth:+d})")
    print(f"  gzip: {before[1]:6d} → {now[1]:6d} bytes ({now[1] - before[1]:+d})")
    within = growth <= options.budget
    print(f"  growth budget {options.budget} bytes: {'within' if within else 'OVER'}")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
