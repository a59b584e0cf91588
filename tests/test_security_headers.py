"""Headers: HSTS in production; camera and microphone only on the device check's page."""

from tests.citizen.test_journey import sign_in
from tests.factories import create_world
from tests.test_config import PRODUCTION_SERVICES, SECRET


def test_production_sends_hsts_for_at_least_a_year(monkeypatch, tmp_path):
    from portal import create_app

    for name, value in PRODUCTION_SERVICES.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PORTAL_SECRET_KEY", SECRET)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    response = app.test_client().get("/acessibilidade", base_url="https://atendimento.example.pt")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_no_hsts_outside_production(app, client):
    assert "Strict-Transport-Security" not in client.client.get("/").headers


def test_camera_and_microphone_are_off_on_every_page_but_the_device_check(app, client, clock):
    world = create_world(clock.now)
    landing = client.client.get("/")
    assert landing.headers["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"

    sign_in(client, world.referral)
    slot_id = client.get("/marcar/horarios").radio_values()[0]
    client.submit("/marcar/horarios", {"horario": slot_id})
    for url in ["/marcar/horarios", "/documentos", "/marcar/revisao"]:
        assert "camera=()" in client.client.get(url).headers["Permissions-Policy"], url

    check = client.client.get("/verificar-equipamento")
    assert check.status_code == 200
    assert check.headers["Permissions-Policy"] == (
        "camera=(self), microphone=(self), geolocation=()"
    )
    # Re-shown with the no-JavaScript form's errors, the page still runs its script.
    token = client.get("/verificar-equipamento").csrf_token()
    again = client.client.post("/verificar-equipamento/declaracao", data={"csrf_token": token})
    assert again.status_code == 200
    assert again.headers["Permissions-Policy"].startswith("camera=(self)")
