"""What every page shares: health, error pages, headers, settings."""

import os
import stat

from course import create_app
from tests.conftest import FIXTURE_COURSE


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text.strip() == "ok"


def test_missing_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Go to the course outline" in response.text


def test_security_headers(client):
    headers = client.get("/").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers


def test_session_cookie_flags(client, make_user, sign_in):
    sign_in(make_user())
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_body_over_the_limit_is_a_413_page(client):
    response = client.post("/login", data={"email": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "That was too large" in response.text


def settings_app(instance, **config):
    app = create_app({"TESTING": True, "CONTENT_DIR": str(FIXTURE_COURSE), **config}, str(instance))
    app.extensions["course_db"]["engine"].dispose()
    return app


def test_secret_key_is_generated_once_owner_only(tmp_path):
    instance = tmp_path / "instance"
    first = settings_app(instance).config["SECRET_KEY"]
    second = settings_app(instance).config["SECRET_KEY"]
    assert first == second
    assert len(first) >= 32
    mode = stat.S_IMODE(os.stat(instance / "secret_key").st_mode)
    assert mode == 0o600


def test_settings_order_instance_file_then_environment(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('REGISTRATION = "closed"\nHSTS = True\n')
    app = settings_app(instance)
    assert app.config["REGISTRATION"] == "closed"
    assert app.config["HSTS"] is True
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance / 'course.db'}"
    monkeypatch.setenv("COURSE_REGISTRATION", "invite")
    monkeypatch.setenv("COURSE_HSTS", "0")
    app = settings_app(instance)
    assert app.config["REGISTRATION"] == "invite"
    assert app.config["HSTS"] is False


def test_an_unknown_registration_mode_is_refused(tmp_path, monkeypatch):
    import pytest

    monkeypatch.setenv("COURSE_REGISTRATION", "sometimes")
    with pytest.raises(ValueError, match="COURSE_REGISTRATION must be one of"):
        settings_app(tmp_path / "instance")
