"""Sign-up, sign-in, sign-out and the account page, as a person uses them."""

import pytest

from course.auth.invitations import EXTENSION_KEY
from course.auth.models import Role, User
from course.db import new_session
from tests.conftest import PASSWORD, csrf_token, post_form

NAME_MESSAGE = "Use letters, digits, spaces and punctuation only."
CONTROL_NAMES = ["Ada\tLovelace", "Ada\nLovelace", "Ada\x1b[2J", "Ada\x7f", "\x01Ada", "Ada\x9b"]


def register(
    client, name="Ada Lovelace", email="ada@example.com", password="analytical engine 1843"
):
    return post_form(client, "/register", {"name": name, "email": email, "password": password})


def test_register_creates_a_learner_and_signs_in(client, app):
    response = register(client)
    assert response.status_code == 302
    page = client.get("/").text
    assert "Ada Lovelace" in page
    assert "Sign out" in page
    with app.app_context(), new_session() as session:
        user = session.query(User).one()
    assert user.email == "ada@example.com"
    assert user.role == Role.LEARNER
    assert user.password_hash.startswith("$argon2id$")


def test_register_refuses_an_email_taken_in_another_case(client, make_user):
    make_user(email="ada@example.com")
    response = register(client, email="ADA@Example.com")
    assert response.status_code == 200
    assert "An account with this email already exists." in response.text


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "Use at least 10 characters."),
        ("password123", "Choose a less common password."),
        ("qwertyuiop", "Choose a less common password."),
    ],
)
def test_register_refuses_weak_passwords(client, app, password, message):
    response = register(client, password=password)
    assert response.status_code == 200
    assert message in response.text
    with app.app_context(), new_session() as session:
        assert session.query(User).count() == 0


@pytest.mark.parametrize("name", CONTROL_NAMES)
def test_register_refuses_control_characters_in_the_name(client, app, name):
    response = register(client, name=name)
    assert response.status_code == 200
    assert NAME_MESSAGE in response.text
    with app.app_context(), new_session() as session:
        assert session.query(User).count() == 0


@pytest.mark.parametrize(
    ("email", "message"),
    [("a@b", "The part after the @-sign is not valid"), ("x@@y", "contains invalid characters")],
)
def test_register_says_why_an_email_is_refused(client, app, email, message):
    response = register(client, email=email)
    assert response.status_code == 200
    assert message in response.text
    with app.app_context(), new_session() as session:
        assert session.query(User).count() == 0


def test_register_honours_closed_registration(make_app):
    app = make_app(REGISTRATION="closed")
    response = app.test_client().get("/register")
    assert response.status_code == 403
    assert "Sign-up is not open" in response.text


@pytest.mark.parametrize(("mode", "status"), [("open", 200), ("invite", 403)])
def test_sign_up_and_sign_in_work_with_no_feature_inviting(make_app, make_user, mode, status):
    # Auth knows of invitations only through the hook manage registers; without it
    # sign-up is as open as the setting says and sign-in goes where it was going.
    app = make_app(REGISTRATION=mode)
    del app.extensions[EXTENSION_KEY]
    visitor = app.test_client()
    assert visitor.get("/register").status_code == status
    response = post_form(
        visitor, "/login?next=/progress", {"email": make_user().email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/progress"


def test_sign_in_and_out(client, make_user, sign_in):
    user = make_user(name="Grace Hopper")
    sign_in(user)
    assert "Grace Hopper" in client.get("/").text
    response = post_form(client, "/logout")
    assert response.status_code == 302
    assert "Grace Hopper" not in client.get("/").text


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make_user):
    user = make_user()
    wrong = post_form(client, "/login", {"email": user.email, "password": "not the password"})
    unknown = post_form(client, "/login", {"email": "nobody@example.com", "password": "whatever"})
    assert wrong.status_code == unknown.status_code == 200
    message = "That email and password do not match an account."
    assert message in wrong.text
    assert message in unknown.text


def test_email_is_matched_regardless_of_case(client, make_user):
    user = make_user(email="grace@example.com")
    response = post_form(client, "/login", {"email": "  GRACE@example.COM ", "password": PASSWORD})
    assert response.status_code == 302
    assert user.name in client.get("/").text


def test_get_logout_signs_nobody_out(client, make_user, sign_in):
    user = make_user()
    sign_in(user)
    assert client.get("/logout").status_code == 405
    assert user.name in client.get("/").text


def test_logout_without_csrf_token_is_a_400_page(client, make_user, sign_in):
    user = make_user()
    sign_in(user)
    response = client.post("/logout")
    assert response.status_code == 400
    assert "The form had expired" in response.text
    assert user.name in client.get("/").text


@pytest.mark.parametrize(
    "evil",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example/",
        "/\t/evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_never_leaves_the_site(client, make_user, evil):
    user = make_user()
    response = post_form(client, "/login?next=" + evil, {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_leads_to_a_path_on_the_site(client, make_user):
    user = make_user()
    response = post_form(
        client, "/login?next=/account", {"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/account"


@pytest.mark.parametrize(
    ("role", "landing"), [(Role.LEARNER, "/"), (Role.MANAGER, "/manage/"), (Role.ADMIN, "/manage/")]
)
def test_signing_in_leads_managers_to_their_cohorts_and_learners_to_the_course(
    client, make_user, role, landing
):
    user = make_user(role=role)
    response = post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == landing
    assert client.get("/login").headers["Location"] == landing  # signed in already
    assert post_form(client, "/logout").status_code == 302
    response = post_form(
        client, "/login?next=/account", {"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/account"  # where they were going comes first


def test_signing_in_renews_the_session(client, make_user):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_account_changes_name(client, make_user, sign_in):
    user = make_user(name="Old Name")
    sign_in(user)
    response = post_form(client, "/account", {"action": "name", "name-name": "New Name"})
    assert response.status_code == 302
    assert "New Name" in client.get("/account").text


@pytest.mark.parametrize("name", CONTROL_NAMES)
def test_account_refuses_control_characters_in_the_name(app, client, make_user, sign_in, name):
    user = make_user(name="Old Name")
    sign_in(user)
    response = post_form(client, "/account", {"action": "name", "name-name": name})
    assert response.status_code == 200
    assert NAME_MESSAGE in response.text
    with app.app_context(), new_session() as session:
        assert session.get(User, user.id).name == "Old Name"


def test_password_change_needs_current_password_and_ends_other_sessions(app, make_user, sign_in):
    user = make_user()
    this_device, other_device = app.test_client(), app.test_client()
    sign_in(user, on=this_device)
    sign_in(user, on=other_device)
    new_password = "a brand new passphrase 77"
    refused = post_form(
        this_device,
        "/account",
        {
            "action": "password",
            "password-current_password": "wrong password!!",
            "password-password": new_password,
            "password-confirm": new_password,
        },
    )
    assert "That is not your current password." in refused.text
    changed = post_form(
        this_device,
        "/account",
        {
            "action": "password",
            "password-current_password": PASSWORD,
            "password-password": new_password,
            "password-confirm": new_password,
        },
    )
    assert changed.status_code == 302
    assert this_device.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302  # sent to sign in


def test_account_requires_sign_in(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_a_copied_cookie_is_dead_after_sign_out(app, client, make_user, sign_in):
    user = make_user()
    sign_in(user)
    stolen = client.get_cookie("session").value
    post_form(client, "/logout")
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/account").status_code == 302  # sent to sign in


def test_sign_in_is_throttled_per_account_with_a_clear_page(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_LIMIT="3 per minute")
    user = make_user()
    statuses = []
    for number in range(5):
        attacker = app.test_client()  # a fresh client each time: the account is the key
        response = post_form(
            attacker, "/login", {"email": user.email, "password": f"guess {number}"}
        )
        statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 429, 429]
    assert "Too many attempts" in response.text
    assert "Wait a minute and try again." in response.text
    # Scripts and browsers are told when the window ends: within the minute.
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_secure_cookies_and_hsts_when_served_over_https(make_app, make_user):
    app = make_app(SECURE_COOKIES=True, HSTS=True)
    # The settings are read when the app is made; these are the ones it made.
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/", base_url="https://course.example")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_sign_up_is_throttled_per_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True, REGISTER_LIMIT="2 per hour")
    client = app.test_client()
    statuses = [
        register(client, email=f"prober{n}@example.com", password="x").status_code for n in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_pages_after_sign_in_leave_the_cookie_alone_whatever_the_browser_says(
    client, make_user, sign_in
):
    # The session lives on the server; a browser update (a new User-Agent) or a
    # new address must neither sign the learner out nor cost a new cookie per page.
    user = make_user(name="Mary Somerville")
    sign_in(user)
    # The first page with a form after sign-in stores the new session's form secret.
    assert "Set-Cookie" in client.get("/account").headers
    for agent in ("Firefox/140", "Firefox/141"):
        response = client.get("/account", headers={"User-Agent": agent})
        assert response.status_code == 200
        assert "Mary Somerville" in response.text
        assert "Set-Cookie" not in response.headers


def test_a_form_token_from_one_session_is_refused_in_another(app, make_user, sign_in):
    ada, grace = make_user(), make_user()
    ada_browser, grace_browser = sign_in(ada, on=app.test_client()), app.test_client()
    sign_in(grace, on=grace_browser)
    ada_token = csrf_token(ada_browser)
    assert ada_token != csrf_token(grace_browser)
    refused = grace_browser.post("/logout", data={"csrf_token": ada_token})
    assert refused.status_code == 400
    assert grace.name in grace_browser.get("/account").text
    # The session's secret is kept, not made per page; Flask-WTF signs it afresh with the
    # time on each page, so only the signed value's first part is the same.
    assert csrf_token(ada_browser).split(".")[0] == ada_token.split(".")[0]
    assert ada_browser.post("/logout", data={"csrf_token": ada_token}).status_code == 302
