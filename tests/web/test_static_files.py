"""Static files: content-hashed URLs kept for a year, the plain name for a short while."""

import re

from portal.assets import IMMUTABLE, build_manifest, hashed_name

HASHED = re.compile(r"/static/css/portal\.[0-9a-f]{12}\.css")


def test_pages_link_the_hashed_stylesheet_which_is_kept_for_a_year(app):
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    url = HASHED.search(page).group(0)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert "Cookie" not in response.headers.get("Vary", "")
    assert "Set-Cookie" not in response.headers
    with open(f"{app.static_folder}/css/portal.css", "rb") as original:
        assert response.get_data() == original.read()


def test_the_plain_name_still_answers_with_a_short_cache(app):
    client = app.test_client()
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]
    assert "max-age=300" in response.headers["Cache-Control"]
    assert "Cookie" not in response.headers.get("Vary", "")


def test_a_wrong_hash_is_not_found(app):
    client = app.test_client()
    assert client.get("/static/css/portal.000000000000.css").status_code == 404


def test_the_hash_follows_the_content(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "a.css").write_text("body{}")
    first = build_manifest(tmp_path)["css/a.css"]
    (tmp_path / "css" / "a.css").write_text("body{color:red}")
    second = build_manifest(tmp_path)["css/a.css"]
    assert first != second
    assert re.fullmatch(r"css/a\.[0-9a-f]{12}\.css", first)
    assert hashed_name("LICENSE", b"x").startswith("LICENSE.")
