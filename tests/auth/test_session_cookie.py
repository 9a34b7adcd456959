"""The session cookie is verified once per text: what it remembers must never widen a sign-in."""

from datetime import timedelta

import pytest
from flask import flash, get_flashed_messages

from course.auth import session_cookie


@pytest.fixture
def signed_in(client, make_user, sign_in):
    sign_in(make_user(name="Grace Hopper"))
    assert "Grace Hopper" in client.get("/").text  # the cookie has been verified once
    return client


def test_an_altered_copy_of_a_verified_cookie_signs_nobody_in(signed_in):
    cookie = signed_in.get_cookie("session").value
    altered = cookie[:-2] + ("A" if cookie[-2] != "A" else "B") + cookie[-1]
    signed_in.set_cookie("session", altered)
    response = signed_in.get("/lessons/welcome")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_verified_cookie_still_expires(signed_in, app, monkeypatch):
    lifetime = app.permanent_session_lifetime
    assert signed_in.get("/lessons/welcome").status_code == 200
    later = session_cookie.time.time() + lifetime.total_seconds() + 60
    monkeypatch.setattr(session_cookie.time, "time", lambda: later)
    response = signed_in.get("/lessons/welcome")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_new_secret_key_refuses_cookies_the_old_one_signed(signed_in, app):
    assert signed_in.get("/lessons/welcome").status_code == 200
    app.secret_key = "a different secret key"
    app.config["SECRET_KEY"] = app.secret_key
    response = signed_in.get("/lessons/welcome")
    assert response.status_code == 302


def test_what_one_request_adds_to_a_session_is_not_seen_by_the_next_with_that_cookie(
    signed_in, app
):
    # A flash appends to the session's list in place; the cookie text the next
    # request sends (the same one, since this request's answer is ignored) must
    # still say only what it said.
    with app.test_request_context():
        flash("first message")
        cookie_with_a_list = _cookie_for(app)
    for message in ("second message", "third message"):
        with app.test_request_context(headers={"Cookie": f"session={cookie_with_a_list}"}):
            flash(message)
    with app.test_request_context(headers={"Cookie": f"session={cookie_with_a_list}"}):
        assert get_flashed_messages() == ["first message"]


def test_few_enough_cookies_are_remembered_to_bound_memory(app):
    app.session_interface.get_signing_serializer(app)  # the keys are read, memory begins
    remembered = app.session_interface._verified
    remembered.limit = 3
    texts = []
    for number in range(5):
        with app.test_request_context():
            flash(f"message {number}")
            texts.append(_cookie_for(app))
    for number, text in enumerate(texts):
        with app.test_request_context(headers={"Cookie": f"session={text}"}):
            assert get_flashed_messages() == [f"message {number}"]
    assert remembered.keys() == set(texts[-3:])


def test_an_expired_cookie_that_was_never_seen_is_refused(app):
    app.permanent_session_lifetime = timedelta(seconds=-1)
    with app.test_request_context():
        flash("old message")
        old = _cookie_for(app)
    with app.test_request_context(headers={"Cookie": f"session={old}"}):
        assert get_flashed_messages() == []


def _cookie_for(app) -> str:
    from flask import session

    return app.session_interface.get_signing_serializer(app).dumps(dict(session))
