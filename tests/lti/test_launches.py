"""Launches from an LMS built on lti1p3platform: who they sign in, where they lead,
and which they refuse (a 4xx page, never a 500)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from course.auth.models import Role, User
from course.db import new_session, utcnow
from course.lti.models import LtiAccount, LtiNonce
from course.membership import CohortManager, CohortMember
from tests.lti.platform import INSTRUCTOR, new_private_key_pem


def rows(app, query):
    with app.app_context(), new_session() as session:
        return list(session.execute(query).all())


@pytest.mark.parametrize("login_method", ["GET", "POST"])
def test_launch_signs_the_learner_in_on_the_item_and_in_the_courses_cohort(
    app, client, launch, login_method
):
    response = launch("http://localhost/lessons/roles", login_method=login_method)
    assert response.status_code == 302, response.text
    assert response.headers["Location"] == "/lessons/roles"
    page = client.get("/lessons/roles")
    assert page.status_code == 200
    assert "Ada Learner" in page.text  # signed in, by the name the LMS gave
    [(user, link)] = rows(
        app, select(User, LtiAccount).join(LtiAccount, LtiAccount.user_id == User.id)
    )
    assert (user.role, link.subject) == (Role.LEARNER, "learner-1")
    [(member,)] = rows(app, select(CohortMember))
    assert member.user_id == user.id
    assert member.joined_at is not None


def test_a_second_launch_is_the_same_account_and_the_same_cohort(app, launch):
    launch()
    launch(name="Ada L.")
    assert len(rows(app, select(User))) == 1
    assert len(rows(app, select(CohortMember))) == 1


def test_an_email_that_has_an_account_never_signs_into_it(app, launch, make_user):
    owner = make_user(email="ada@lms.example")
    launch()
    users = rows(app, select(User).order_by(User.id))
    assert len(users) == 2
    [(link,)] = rows(app, select(LtiAccount))
    assert link.user_id != owner.id


def test_an_instructor_arrives_as_a_manager_of_the_cohort(app, client, launch):
    response = launch("http://localhost/", sub="teacher-1", roles=[INSTRUCTOR], name="Tess")
    assert response.status_code == 302
    [(manager,)] = rows(app, select(CohortManager))
    [(user,)] = rows(app, select(User))
    assert manager.user_id == user.id
    assert user.role == Role.MANAGER
    assert client.get(f"/manage/cohorts/{manager.cohort_id}").status_code == 200


def _refused(response):
    assert 400 <= response.status_code < 500, response.text
    assert "could not be accepted" in response.text
    assert "Open it from your LMS again" in response.text


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"iss": "https://evil.example"}, id="wrong issuer"),
        pytest.param({"aud": "some-other-tool", "azp": "some-other-tool"}, id="wrong audience"),
        pytest.param(
            {"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "x"}, id="wrong deployment"
        ),
    ],
)
def test_a_launch_for_someone_else_is_refused(app, client, platform, runner, claims):
    # Only that deployment is accepted once the platform is registered with it.
    runner.invoke(args=["lti", "add-platform", *platform.registration_args(),
                        "--deployment-id", "deployment-1"])  # fmt: skip
    form = platform.launch_form("http://localhost/lessons/welcome", claims=claims)
    _refused(client.post("/lti/launch", data=form))
    assert rows(app, select(User)) == []


def test_a_launch_signed_with_another_key_is_refused(app, client, platform):
    form = platform.launch_form(
        "http://localhost/lessons/welcome", private_key=new_private_key_pem()
    )
    _refused(client.post("/lti/launch", data=form))
    assert rows(app, select(User)) == []


def test_the_same_launch_posted_twice_is_refused_the_second_time(client, platform):
    form = platform.launch_form("http://localhost/lessons/welcome")
    assert client.post("/lti/launch", data=form).status_code == 302
    _refused(client.post("/lti/launch", data=form))


def test_a_launch_after_its_nonce_expired_is_refused(app, client, platform):
    form = platform.launch_form("http://localhost/lessons/welcome")
    with app.app_context(), new_session(write=True) as session:
        session.execute(update(LtiNonce).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    _refused(client.post("/lti/launch", data=form))


def test_a_login_from_an_unknown_lms_is_refused(client, platform):
    response = client.get("/lti/login?iss=https://evil.example&login_hint=x&client_id=y")
    _refused(response)


def test_a_launch_to_another_site_is_refused(app, launch):
    response = launch("https://elsewhere.example/lessons/welcome")
    assert response.status_code == 404
    assert "another site" in response.text


def test_a_launch_without_a_token_is_a_400_page(client, platform):
    _refused(client.post("/lti/launch", data={"state": "x"}))


def test_the_tool_publishes_its_public_key(client):
    keys = client.get("/lti/jwks.json").get_json()["keys"]
    assert [(key["kty"], key["alg"], key["use"]) for key in keys] == [("RSA", "RS256", "sig")]
    assert "d" not in keys[0]  # the public half only
