"""Outside development nothing under /dev exists; the placeholder also needs `local`."""

from portal.outbox.worker import run_once
from tests.factories import create_confirmed_booking, create_world


def test_the_mailbox_is_not_found_outside_development(app, client):
    client.get("/dev/mail", status=404)


def test_the_meeting_placeholder_is_not_found_with_graph(app, client):
    app.config["MEETING_PROVIDER"] = "graph"
    client.get("/dev/meeting/0123456789abcdef", status=404)


def test_nothing_under_dev_exists_outside_development_even_with_the_local_provider(app, client):
    assert app.config["MEETING_PROVIDER"] == "local"
    world = create_world(app.extensions["clock"].now)
    booking = create_confirmed_booking(world, app.extensions["clock"].now)
    run_once()
    token = booking.meeting.join_url.rsplit("/", 1)[1]
    client.get(f"/dev/meeting/{token}", status=404)
    client.get("/dev/mail/anything", status=404)
    client.get("/dev/mail/anything/parts/0", status=404)
    app.config["ENVIRONMENT"] = "development"
    assert client.get(f"/dev/meeting/{token}").status == 200, "the control"
