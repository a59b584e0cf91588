"""Log lines: JSON with the request's id (carried into the outbox), personal data masked."""

import json
import logging
import re

import pytest

from portal.observability import logs
from portal.observability.request_id import HEADER
from tests.web.conftest import lines


def test_a_valid_request_id_is_kept_and_returned(client):
    response = client.client.get("/", headers={HEADER: "edge-1a2b.3c:4d_5"})
    assert response.headers[HEADER] == "edge-1a2b.3c:4d_5"


@pytest.mark.parametrize("given", ["", "x" * 65, "a b", "naïve", "<s>"])
def test_an_unusable_request_id_is_replaced_by_a_new_one(client, given):
    response = client.client.get("/", headers={HEADER: given} if given else {})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers[HEADER])


def test_each_request_gets_its_own_id(client):
    first = client.client.get("/").headers[HEADER]
    assert client.client.get("/").headers[HEADER] != first


def test_lines_are_json_with_the_request_id(app, client, captured):
    app.add_url_rule("/speak", "speak", lambda: (app.logger.warning("hello %s", 1), "ok")[1])
    response = client.client.get("/speak", headers={HEADER: "abc-123"})
    (line,) = [line for line in lines(captured) if line["message"] == "hello 1"]
    assert line["request_id"] == "abc-123" == response.headers[HEADER]
    assert line["level"] == "WARNING" and line["time"].endswith("+00:00")


def test_masking():
    text = (
        "NISS 11234567892, NIPC 500000000, maria.silva+x@example.pt wrote, sent "
        "“Cartão de Cidadão.pdf” and recibo_2026.JPG; booking 1234, at 10:30, id 42"
    )
    masked = logs.mask(text)
    for secret in ("11234567892", "500000000", "maria.silva", "example.pt", "Cidadão", "recibo"):
        assert secret not in masked
    assert "booking 1234, at 10:30, id 42" in masked, "other numbers stay"
    assert "[e-mail]" in masked and "[document]" in masked and "[number]" in masked


def test_a_traceback_is_masked_too(captured):
    try:
        raise ValueError("bad NISS 11234567892 for pessoa@example.pt")
    except ValueError:
        logging.getLogger("portal.test").exception("failed for %s", "pessoa@example.pt")
    (line,) = lines(captured)
    assert "pessoa@example.pt" not in json.dumps(line) and "11234567892" not in json.dumps(line)
    assert "ValueError: bad NISS [number] for [e-mail]" in line["exception"]
