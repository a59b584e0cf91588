import io
import json
import logging

import pytest

from portal.observability import logs


@pytest.fixture
def captured():
    """What the portal's own log handler (JSON, masking) writes during the test."""
    stream = io.StringIO()
    handler = logs.install("json", stream, logging.DEBUG)
    yield stream
    logging.getLogger().removeHandler(handler)


def lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]
