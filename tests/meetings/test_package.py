"""The meetings package stands on its own: the outbox uses it, never the reverse."""

from pathlib import Path

MEETINGS = Path(__file__).resolve().parents[2] / "portal" / "meetings"


def test_meetings_never_import_the_outbox():
    offenders = [
        f"{path.name}:{number}"
        for path in MEETINGS.glob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if line.lstrip().startswith(("import ", "from ")) and "portal.outbox" in line
    ]
    assert offenders == []
