"""What every page shares: health, error pages, headers, settings."""

import os
import stat

from course import create_app
from tests.conftest import FIXTURE_COURSE, csrf_token


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text.strip() == "ok"


def test_missing_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Go to the course outline" in response.text


def test_a_nul_character_in_a_request_is_a_400_page(client):
    # A query string carries one written %00 (or, from a careless client, raw);
    # a form carries it in a field's name or value.
    for path in ("/?next=%00", "/login?next=a%00b", "/login?%00=x", "/login?next=a\x00b"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "not allowed (NUL)" in response.text
    for form in ({"email": "a\x00@example.com"}, {"e\x00mail": "a@example.com"}):
        response = client.post("/login", data={**form, "csrf_token": csrf_token(client)})
        assert response.status_code == 400
        assert "not allowed (NUL)" in response.text
    # Text that only reads "%00" once decoded is no NUL.
    assert client.get("/login?next=%2500").status_code == 200


def test_security_headers(client):
    headers = client.get("/").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers
    assert len(headers.getlist("X-Request-Id")) == 1
    # A proxy's id is kept, so that its logs and ours line up.
    offered = client.get("/", headers={"X-Request-Id": "proxy-7"}).headers
    assert offered.getlist("X-Request-Id") == ["proxy-7"]


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


def test_the_base_url_setting_is_read_and_checked(tmp_path, monkeypatch):
    import pytest

    monkeypatch.setenv("COURSE_BASE_URL", "https://course.example.com/academy/")
    assert settings_app(tmp_path / "instance").config["BASE_URL"] == (
        "https://course.example.com/academy"
    )
    for wrong in ("course.example.com", "https://course.example.com:http", "https://a@b.example"):
        monkeypatch.setenv("COURSE_BASE_URL", wrong)
        with pytest.raises(ValueError, match="COURSE_BASE_URL must be the site's public address"):
            settings_app(tmp_path / "instance")


def test_an_unexpected_error_is_a_friendly_500_with_a_reference(make_app, caplog):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/explode")
    def explode():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/explode", headers={"X-Request-Id": "abc123"})
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "abc123" in response.text
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    assert any("abc123" in record.getMessage() for record in caplog.records)


def test_backup_copies_a_consistent_sqlite_database(app, runner, make_user, tmp_path):
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        result = runner.invoke(args=["db", "backup", str(tmp_path / "copy.db")])
        assert result.exit_code == 1
        assert "pg_dump" in result.output
        return
    make_user(email="kept@example.com")
    target = tmp_path / "copy.db"
    result = runner.invoke(args=["db", "backup", str(target)])
    assert result.exit_code == 0, result.output
    import sqlite3

    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute('SELECT email FROM "user"').fetchall() == [("kept@example.com",)]
    finally:
        copy.close()
    again = runner.invoke(args=["db", "backup", str(target)])
    assert again.exit_code == 1
    assert "exists" in again.output
