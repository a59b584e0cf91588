"""Outside development the mailbox does not exist; the placeholder only with `local`."""


def test_the_mailbox_is_not_found_outside_development(app, client):
    client.get("/dev/mail", status=404)


def test_the_meeting_placeholder_is_not_found_with_graph(app, client):
    app.config["MEETING_PROVIDER"] = "graph"
    client.get("/dev/meeting/0123456789abcdef", status=404)
