"""The Graph client against the strict double, over real HTTP on loopback."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.meetings.graph import GraphProvider
from portal.meetings.providers import (
    MeetingConfigurationError,
    MeetingRefused,
    MeetingRequest,
    MeetingUnavailable,
)
from tests.conftest import graph_settings
from tests.doubles.graph import ORGANIZER, ORGANIZER_ID, OTHER_ORGANIZER_ID

START = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)


@pytest.fixture
def client(graph):
    return GraphProvider.from_config(graph_settings(graph))


def request_for(booking_id="42", start=START, organizer_id=ORGANIZER_ID):
    return MeetingRequest(
        external_id=booking_id,
        organizer_id=organizer_id,
        subject="Segurança Social – Contribuições – ABCD-EFGH-JKMN",
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
    )


def test_a_upn_is_resolved_to_the_organizer_s_object_id(graph, client):
    assert client.organizer_id(ORGANIZER) == ORGANIZER_ID
    assert client.organizer_id(ORGANIZER_ID) == ORGANIZER_ID, "an id needs no call"
    ((method, path, _body),) = graph.graph_calls()
    assert (method, path) == ("GET", f"/v1.0/users/{ORGANIZER}?$select=id")
    with pytest.raises(MeetingRefused, match="404 Request_ResourceNotFound"):
        client.organizer_id("nobody@seg-social.pt")


def test_creates_the_meeting_under_its_organizer_with_lobby_settings(graph, client):
    details = client.create(request_for())

    assert graph.problems == []
    assert graph.token_requests == 1
    create, settings = graph.graph_calls()
    base = f"/v1.0/users/{ORGANIZER_ID}/onlineMeetings"
    assert create[:2] == ("POST", f"{base}/createOrGet")
    assert create[2]["externalId"] == "42"
    assert create[2]["participants"]["organizer"]["identity"]["user"]["id"] == ORGANIZER_ID
    assert create[2]["startDateTime"] == "2026-11-27T10:30:00Z"
    assert create[2]["endDateTime"] == "2026-11-27T11:00:00Z"
    assert settings[:2] == ("PATCH", f"{base}/{details.id}")
    assert settings[2]["lobbyBypassSettings"]["scope"] == "organization"
    assert settings[2]["allowedPresenters"] == "organizer"
    meeting = graph.meetings[details.id]
    assert graph.owners[details.id] == ORGANIZER_ID
    assert details.join_url == meeting["joinWebUrl"]
    assert details.join_meeting_id == meeting["joinMeetingIdSettings"]["joinMeetingId"]
    assert details.passcode == meeting["joinMeetingIdSettings"]["passcode"]


def test_create_again_returns_the_existing_meeting(graph, client):
    first = client.create(request_for())
    second = client.create(request_for())
    assert first == second
    assert len(graph.meetings) == 1
    assert graph.token_requests == 1, "the token is cached"


def test_a_meeting_exists_only_under_its_organizer(graph, client):
    created = client.create(request_for())
    with pytest.raises(MeetingRefused, match="404"):
        client.move(created.id, request_for(organizer_id=OTHER_ORGANIZER_ID))
    with pytest.raises(MeetingRefused, match="404"):
        client.move(created.id, request_for(organizer_id=ORGANIZER))  # a UPN in the path
    assert len(graph.problems) == 2, "the double notices both mistakes"


def test_a_token_about_to_expire_is_replaced_before_use(graph, client):
    graph.token_lifetime = 30  # inside Authlib's 60-second leeway: renewed at once
    client.create(request_for("1"))
    client.create(request_for("2"))
    assert graph.token_requests >= 2
    assert graph.problems == []


def test_a_401_fetches_a_new_token_once(graph, client):
    client.create(request_for("1"))
    graph.revoke_tokens()
    details = client.create(request_for("2"))
    assert details.join_url
    assert graph.token_requests == 2


def test_a_wrong_client_secret_is_a_configuration_error_not_a_retry(graph, client):
    graph.client_secret = "the secret was rotated"
    with pytest.raises(MeetingConfigurationError, match="invalid_client: AADSTS7000215"):
        client.create(request_for())
    assert graph.token_requests == 1 and graph.graph_calls() == []


@pytest.mark.parametrize("status, code", [(429, "TooManyRequests"), (503, "ServiceUnavailable")])
def test_throttling_and_outages_never_sleep_and_say_how_long_to_wait(graph, client, status, code):
    graph.fail_next(status, code=code, retry_after="2.5")
    with pytest.raises(MeetingUnavailable, match=f"{status} {code}") as raised:
        client.create(request_for())
    assert raised.value.retry_after == 2.5
    assert len(graph.graph_calls()) == 1, "one call, no waiting inside it"
    assert client.create(request_for()).join_url


def test_errors_keep_graph_s_code_request_id_and_date(graph, client):
    graph.fail_next(403, code="Forbidden")
    with pytest.raises(MeetingRefused) as refused:
        client.create(request_for())
    assert "403 Forbidden" in str(refused.value)
    assert "request-id " in str(refused.value) and "request-id ?" not in str(refused.value)
    assert "date 20" in str(refused.value)


def test_an_answer_without_join_web_url_is_refused_cleanly(graph, client):
    graph.without_join_url = 1
    with pytest.raises(MeetingRefused, match="no joinWebUrl"):
        client.create(request_for())


def test_a_desk_without_organizer_is_refused_without_calling_graph(graph, client):
    request = MeetingRequest("1", None, "s", START, START + timedelta(minutes=30))
    with pytest.raises(MeetingRefused, match="organizer"):
        client.create(request)
    assert graph.graph_calls() == []


def test_move_patches_the_same_meeting_and_delete_removes_it(graph, client):
    created = client.create(request_for())
    later = START + timedelta(days=1)
    moved = client.move(created.id, request_for(start=later))
    assert moved.join_url == created.join_url
    assert graph.meetings[created.id]["startDateTime"] == "2026-11-28T10:30:00Z"
    client.delete(created.id, ORGANIZER_ID)
    assert graph.meetings == {}
    client.delete(created.id, ORGANIZER_ID)  # already gone: fine
    assert graph.problems == []


def test_an_unreachable_service_is_unavailable():
    provider = GraphProvider(
        "t", "c", "s", "http://127.0.0.1:9/{tenant}/token", "http://127.0.0.1:9/v1.0", timeout=1
    )
    with pytest.raises(MeetingUnavailable):
        provider.create(request_for())
