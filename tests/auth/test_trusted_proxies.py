"""Sign-in limits per client address, behind as many reverse proxies as COURSE_PROXY_HOPS says."""

import pytest

from course import create_app
from tests.conftest import FIXTURE_COURSE, post_form


def failed_sign_ins(app, forwarded_for: str, count: int) -> list[int]:
    """Try ``count`` wrong sign-ins, each for a different account, as the proxy forwards them."""
    statuses = []
    for number in range(count):
        browser = app.test_client()
        response = post_form(
            browser,
            "/login",
            {"email": f"someone{number}@{forwarded_for}.example", "password": "a wrong guess"},
            headers={"X-Forwarded-For": forwarded_for},
        )
        statuses.append(response.status_code)
    return statuses


def test_behind_one_proxy_each_forwarded_client_has_its_own_limit(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_LIMIT="2 per minute", PROXY_HOPS=1)
    # Every request arrives from the proxy's own address (the test client's 127.0.0.1).
    assert failed_sign_ins(app, "203.0.113.7", 3) == [200, 200, 429]
    assert failed_sign_ins(app, "198.51.100.9", 2) == [200, 200]


def test_without_proxies_a_forged_forwarded_for_is_ignored(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_LIMIT="2 per minute")
    assert failed_sign_ins(app, "203.0.113.7", 2) == [200, 200]
    # A new forged address every time changes nothing: the socket's address is counted.
    assert failed_sign_ins(app, "198.51.100.9", 1) == [429]


def test_behind_one_proxy_the_forwarded_scheme_and_host_are_believed(make_app):
    app = make_app(PROXY_HOPS=1)

    @app.get("/where")
    def where():
        from flask import request

        return f"{request.scheme}://{request.host} from {request.remote_addr}"

    response = app.test_client().get(
        "/where",
        headers={
            "X-Forwarded-For": "203.0.113.7",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "course.example",
        },
    )
    assert response.text == "https://course.example from 203.0.113.7"


def test_proxy_hops_comes_from_the_environment_and_must_be_a_count(tmp_path, monkeypatch):
    def settings_app():
        app = create_app({"TESTING": True, "CONTENT_DIR": str(FIXTURE_COURSE)}, str(tmp_path))
        app.extensions["course_db"]["engine"].dispose()
        return app

    assert settings_app().config["PROXY_HOPS"] == 0
    monkeypatch.setenv("COURSE_PROXY_HOPS", "2")
    assert settings_app().config["PROXY_HOPS"] == 2
    monkeypatch.setenv("COURSE_PROXY_HOPS", "-1")
    with pytest.raises(ValueError, match="COURSE_PROXY_HOPS must be"):
        settings_app()
    monkeypatch.setenv("COURSE_PROXY_HOPS", "one")
    with pytest.raises(ValueError, match="COURSE_PROXY_HOPS cannot be 'one'"):
        settings_app()
