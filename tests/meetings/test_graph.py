"""The Graph client against the double, over real HTTP on loopback."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.meetings.graph import GraphProvider
from portal.meetings.providers import MeetingRefused, MeetingRequest, MeetingUnavailable
from tests.conftest import graph_settings
from tests.doubles.graph import ORGANIZER

START = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)


class Sleeps(list):
    """Records the waits the client asks for instead of waiting."""

    def __call__(self, seconds):
        self.append(seconds)


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture
def client(graph, sleeps):
    settings = graph_settings(graph)
    settings.update(GRAPH_MAX_ATTEMPTS=4, GRAPH_MAX_BACKOFF_SECONDS=30)
    provider = GraphProvider.from_config(settings)
    provider.sleep = sleeps
    return provider


def request_for(booking_id="42", start=START):
    return MeetingRequest(
        external_id=booking_id,
        organizer=ORGANIZER,
        subject="Segurança Social – Contribuições – ABCD-EFGH-JKMN",
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
    )


def test_creates_the_meeting_with_an_app_token_and_lobby_settings(graph, client):
    details = client.create(request_for())

    assert graph.problems == []
    assert graph.token_requests == 1
    create, settings = graph.graph_calls()
    assert create[:2] == ("POST", f"/v1.0/users/{ORGANIZER}/onlineMeetings/createOrGet")
    assert create[2]["externalId"] == "42"
    assert create[2]["startDateTime"] == "2026-11-27T10:30:00Z"
    assert create[2]["endDateTime"] == "2026-11-27T11:00:00Z"
    assert settings[0] == "PATCH" and settings[1].endswith(details.id)
    assert settings[2]["lobbyBypassSettings"]["scope"] == "organization"
    assert settings[2]["allowedPresenters"] == "organizer"
    meeting = graph.meetings[details.id]
    assert details.join_url == meeting["joinWebUrl"]
    assert details.join_meeting_id == meeting["joinMeetingIdSettings"]["joinMeetingId"]
    assert details.passcode == meeting["joinMeetingIdSettings"]["passcode"]


def test_create_again_returns_the_existing_meeting(graph, client):
    first = client.create(request_for())
    second = client.create(request_for())
    assert first == second
    assert len(graph.meetings) == 1
    assert graph.token_requests == 1, "the token is cached"


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


def test_429_waits_as_long_as_retry_after_says(graph, client, sleeps):
    graph.fail_next(429, code="TooManyRequests", retry_after="2.5")
    assert client.create(request_for()).join_url
    assert sleeps == [2.5]


def test_retry_after_is_capped(graph, client, sleeps):
    client.max_backoff = 3
    graph.fail_next(503, retry_after="120")
    client.create(request_for())
    assert sleeps == [3]


def test_503_then_success_with_exponential_backoff(graph, client, sleeps):
    graph.fail_next(503, times=2)
    graph.fail_next(504, code="GatewayTimeout")
    assert client.create(request_for()).join_url
    assert sleeps == [1, 2, 4]


def test_a_service_that_stays_down_is_unavailable(graph, client, sleeps):
    graph.fail_next(503, times=10, retry_after="1")
    with pytest.raises(MeetingUnavailable, match="503"):
        client.create(request_for())
    assert len(sleeps) == 3, "four attempts in all"


def test_other_errors_are_refusals_with_graph_s_code(graph, client):
    graph.fail_next(403, code="Forbidden")
    with pytest.raises(MeetingRefused, match="403 Forbidden"):
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
    client.delete(created.id, ORGANIZER)
    assert graph.meetings == {}
    client.delete(created.id, ORGANIZER)  # already gone: fine
    assert graph.problems == []


def test_an_unreachable_service_is_unavailable(sleeps):
    provider = GraphProvider(
        "t", "c", "s", "http://127.0.0.1:9/{tenant}/token", "http://127.0.0.1:9/v1.0", timeout=1
    )
    provider.sleep = sleeps
    with pytest.raises(MeetingUnavailable):
        provider.create(request_for())
