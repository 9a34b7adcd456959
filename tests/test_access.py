"""Every route of the app, for every role: who gets what.

A cohort is visible to its managers and to admins only; to anyone else it does
not exist (404). Learners see no manager page (403); signed-out visitors are
sent to sign in (302). A route missing from the table fails
``test_every_route_has_an_entry``, so nothing new ships unchecked.
"""

import io
import re
from dataclasses import dataclass

import pytest

from course.auth.models import Role, User
from course.auth.password_links import issue_password_tokens
from course.db import new_session, utcnow
from course.manage.cohorts import accept_invitation, invite_to_cohort
from course.manage.removals import remove_from_cohort
from course.membership import Cohort, CohortMember
from course.progress.calendar import renew_feed_token
from course.progress.certificates import issue_certificate
from tests.conftest import RIGHT, post_form

ROLES = ("anonymous", "learner", "other manager", "manager", "admin")


def expect(anonymous, learner, other, manager, admin=None):
    return dict(
        zip(
            ROLES,
            (anonymous, learner, other, manager, manager if admin is None else admin),
            strict=True,
        )
    )


# (method, path, form data or None, expected status per role)
C = "/manage/cohorts/{cohort}"
ROUTES = [
    ("GET", "/", None, expect(200, 200, 200, 200)),
    ("GET", "/healthz", None, expect(200, 200, 200, 200)),
    # LTI: a login or launch that is not an LMS's is refused alike for everyone.
    ("GET", "/lti/login", None, expect(400, 400, 400, 400)),
    ("POST", "/lti/login", {}, expect(400, 400, 400, 400)),
    ("POST", "/lti/launch", {}, expect(400, 400, 400, 400)),
    ("GET", "/lti/jwks.json", None, expect(200, 200, 200, 200)),
    ("GET", "/lti/deep-link", None, expect(302, 404, 404, 404)),
    ("POST", "/lti/deep-link", {}, expect(302, 404, 404, 404)),
    ("POST", "/lti/cohorts/{cohort}/roster", {}, expect(302, 403, 404, 404)),
    ("GET", "/favicon.ico", None, expect(200, 200, 200, 200)),
    ("GET", "/register", None, expect(200, 302, 302, 302)),
    ("POST", "/register", {}, expect(200, 302, 302, 302)),
    ("GET", "/login", None, expect(200, 302, 302, 302)),
    ("POST", "/login", {}, expect(200, 302, 302, 302)),
    ("POST", "/logout", {}, expect(302, 302, 302, 302)),
    ("GET", "/account", None, expect(302, 200, 200, 200)),
    ("POST", "/account", {"action": "name", "name-name": "New Name"}, expect(302, 302, 302, 302)),
    ("GET", "/lessons/welcome", None, expect(302, 200, 200, 200)),
    ("GET", "/lessons/no-such-lesson", None, expect(302, 404, 404, 404)),
    ("POST", "/lessons/welcome/complete", {}, expect(302, 302, 302, 302)),
    ("GET", "/quizzes/fixture-quiz", None, expect(302, 200, 200, 200)),
    ("POST", "/quizzes/fixture-quiz", {}, expect(302, 400, 400, 400)),
    ("POST", "/quizzes/fixture-quiz/draft", {}, expect(302, 400, 400, 400)),
    ("GET", "/scenarios/fixture-scenario", None, expect(302, 200, 200, 200)),
    ("POST", "/scenarios/fixture-scenario/start", {}, expect(302, 302, 302, 302)),
    ("POST", "/scenarios/fixture-scenario/choose", {}, expect(302, 400, 400, 400)),
    ("GET", "/progress", None, expect(302, 200, 200, 200)),
    ("GET", "/certificate", None, expect(302, 200, 200, 200)),
    ("POST", "/certificate", {}, expect(302, 302, 302, 302)),
    ("GET", "/certificates/{certificate}", None, expect(200, 200, 200, 200)),
    # A calendar feed is read by a calendar app, signed in or not: its address is the key.
    ("GET", "/calendar/{calendar}.ics", None, expect(200, 200, 200, 200)),
    ("GET", "/calendar/" + "A" * 43 + ".ics", None, expect(404, 404, 404, 404)),
    ("POST", "/calendar/renew", {}, expect(302, 302, 302, 302)),
    ("GET", "/certificates/AAAA-BBBB-CCCC", None, expect(404, 404, 404, 404)),
    ("GET", "/manage/", None, expect(302, 403, 200, 200)),
    ("GET", "/manage/cohorts/new", None, expect(302, 403, 200, 200)),
    ("POST", "/manage/cohorts/new", {"name": "Autumn hires"}, expect(302, 403, 302, 302)),
    ("GET", C, None, expect(302, 403, 404, 200)),
    ("GET", C + "/learners/{member}", None, expect(302, 403, 404, 200)),
    ("GET", C + "/learners/{outsider}", None, expect(302, 403, 404, 404)),
    # Invited, not yet accepted: nothing of theirs is the cohort's, not even for an admin.
    ("GET", C + "/learners/{invitee}", None, expect(302, 403, 404, 404)),
    ("GET", C + "/quizzes/fixture-quiz", None, expect(302, 403, 404, 200)),
    ("GET", C + "/quizzes/no-such-quiz", None, expect(302, 403, 404, 404)),
    ("GET", C + "/scenarios/fixture-scenario", None, expect(302, 403, 404, 200)),
    ("GET", C + "/scenarios/no-such-scenario", None, expect(302, 403, 404, 404)),
    ("GET", C + "/export.csv", None, expect(302, 403, 404, 200)),
    ("GET", C + "/people", None, expect(302, 403, 404, 200)),
    ("POST", C + "/invite", {}, expect(302, 403, 404, 302)),
    ("POST", C + "/reminders", {}, expect(302, 403, 404, 302)),
    (
        "POST",
        C + "/people/add",
        {"add-people": "new.person@example.com"},
        expect(302, 403, 404, 200),
    ),
    ("POST", C + "/people/import", "roster", expect(302, 403, 404, 200)),
    ("GET", C + "/learners/{member}/remove", None, expect(302, 403, 404, 200)),
    ("POST", C + "/learners/{member}/remove", {}, expect(302, 403, 404, 302)),
    ("GET", C + "/learners/{outsider}/remove", None, expect(302, 403, 404, 404)),
    ("POST", C + "/removals/{removal}/undo", {}, expect(302, 403, 404, 302)),
    ("POST", C + "/learners/{member}/attempts/fixture-quiz", {}, expect(302, 403, 404, 302)),
    ("POST", C + "/learners/{outsider}/attempts/fixture-quiz", {}, expect(302, 403, 404, 404)),
    ("POST", C + "/learners/{member}/attempts/no-such-quiz", {}, expect(302, 403, 404, 404)),
    (
        "POST",
        C + "/learners/{member}/due-date",
        {"due-due_on": "2030-01-31"},
        expect(302, 403, 404, 302),
    ),
    ("POST", C + "/learners/{member}/due-date", {"due-due_on": "soon"}, expect(302, 403, 404, 400)),
    ("POST", C + "/learners/{passwordless}/password-link", {}, expect(302, 403, 404, 200)),
    ("POST", C + "/learners/{member}/password-link", {}, expect(302, 403, 404, 403)),
    ("POST", C + "/learners/{invitee}/password-link", {}, expect(302, 403, 404, 404)),
    ("POST", C + "/managers", {"manager-email": "third@example.com"}, expect(302, 403, 404, 302)),
    # The cohort's only manager: removing them is refused, with a reason.
    ("POST", C + "/managers/{cohort_manager}/remove", {}, expect(302, 403, 404, 400)),
    (
        "POST",
        C + "/details",
        {"details-name": "Renamed", "details-due_on": "2030-01-31"},
        expect(302, 403, 404, 302),
    ),
    ("GET", "/manage/cohorts/999999", None, expect(302, 403, 404, 404)),
    ("GET", "/join/{code}", None, expect(200, 200, 200, 200)),
    ("POST", "/join/{code}", {}, expect(302, 302, 302, 302)),
    ("GET", "/join/not-a-code", None, expect(404, 404, 404, 404)),
    ("GET", "/invitations", None, expect(302, 200, 200, 200)),
    # Only the learner invited answers an invitation; to anyone else there is none.
    ("POST", "/invitations/{other_cohort}/accept", {}, expect(302, 302, 404, 404)),
    ("POST", "/invitations/{other_cohort}/decline", {}, expect(302, 302, 404, 404)),
    ("POST", "/invitations/999999/accept", {}, expect(302, 404, 404, 404)),
    ("GET", "/set-password/{token}", None, expect(200, 200, 200, 200)),
    ("GET", "/set-password/not-a-token", None, expect(404, 404, 404, 404)),
    ("POST", "/set-password/not-a-token", {}, expect(404, 404, 404, 404)),
    ("GET", "/quizzes/fixture-quiz/attempts/{attempt}", None, expect(302, 404, 404, 200)),
    ("GET", "/scenarios/fixture-scenario/runs/{run}", None, expect(302, 404, 404, 200)),
]


@dataclass
class World:
    users: dict
    ids: dict


@pytest.fixture
def world(app, make_user, make_cohort, activity, password_hash):
    manager = make_user(role=Role.MANAGER, email="manager@example.com")
    other = make_user(role=Role.MANAGER, email="other@example.com")
    make_user(role=Role.MANAGER, email="third@example.com")
    admin = make_user(role=Role.ADMIN, email="admin@example.com")
    classmate = make_user(email="classmate@example.com")
    member = make_user(email="member@example.com")
    outsider = make_user(email="outsider@example.com")
    invitee = make_user(email="invitee@example.com")
    cohort = make_cohort(
        manager, members=[classmate, member, outsider], invite=True, name="Spring hires"
    )
    other_cohort = make_cohort(other, members=[outsider], name="Other cohort")
    with app.app_context(), new_session(write=True) as session:
        # An account made for the cohort by its manager, its password not set yet.
        passwordless = User(email="new@example.com", name="Newcomer", role=Role.LEARNER)
        session.add(passwordless)
        session.flush()
        session.add(
            CohortMember(
                cohort_id=cohort.id,
                user_id=passwordless.id,
                joined_at=utcnow(),
                invited_by_id=manager.id,
                created_account=True,
            )
        )
        token = issue_password_tokens(session, [passwordless.id], utcnow())[passwordless.id]
        passwordless_id = passwordless.id
        # The outsider was in this cohort once: gone, they are no longer the manager's to see.
        removal = remove_from_cohort(
            session, cohort_id=cohort.id, user_id=outsider.id, removed_by=manager.id, now=utcnow()
        )
        invite_to_cohort(
            session, cohort_id=cohort.id, user_ids=[invitee.id], invited_by=manager.id, now=utcnow()
        )
        invite_to_cohort(
            session,
            cohort_id=other_cohort.id,
            user_ids=[classmate.id],
            invited_by=other.id,
            now=utcnow(),
        )
        session.commit()
        removal_id = removal.id
        code = session.get(Cohort, cohort.id).invite_code
    attempt = activity.quiz(member, RIGHT)
    run = activity.scenario(member, "careful", "ship")
    with app.app_context(), new_session(write=True) as session:
        certificate = issue_certificate(
            session,
            user_id=member.id,
            learner_name=member.name,
            course_title="Fixture Course",
            completed_at=utcnow(),
            now=utcnow(),
        ).code
        calendar = renew_feed_token(session, app.secret_key, member.id, utcnow())
        session.commit()
    ids = {
        "cohort": cohort.id,
        "cohort_manager": manager.id,
        "member": member.id,
        "outsider": outsider.id,
        "invitee": invitee.id,
        "other_cohort": other_cohort.id,
        "passwordless": passwordless_id,
        "code": code,
        "token": token,
        "attempt": attempt,
        "run": run,
        "certificate": certificate,
        "calendar": calendar,
        "removal": removal_id,
    }
    users = {"learner": classmate, "other manager": other, "manager": manager, "admin": admin}
    return World(users, ids)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "data", "expected"),
    ROUTES,
    ids=[f"{method} {path}" for method, path, _data, _expected in ROUTES],
)
def test_who_may_use_each_route(client, enter_as, world, role, method, path, data, expected):
    if role != "anonymous":
        enter_as(world.users[role])
    url = path.format(**world.ids)
    if method == "GET":
        response = client.get(url)
    elif data == "roster":
        roster = (io.BytesIO(b"name,email\nRoster Person,roster.person@example.com\n"), "r.csv")
        response = post_form(client, url, {"roster-roster": roster})
    else:
        response = post_form(client, url, data)
    assert response.status_code == expected[role], response.text[:400]
    if response.status_code == 302 and role == "anonymous" and path.startswith("/manage"):
        assert response.headers["Location"].startswith("/login")


PLACEHOLDERS = {
    "cohort": 1,
    "cohort_manager": 7,
    "member": 2,
    "removal": 1,
    "outsider": 3,
    "invitee": 8,
    "other_cohort": 9,
    "passwordless": 4,
    "code": "c",
    "token": "t",
    "attempt": 5,
    "run": 6,
    "certificate": "AAAA-BBBB-CCCC",
    "calendar": "c",
}


def test_every_route_has_an_entry(app):
    adapter = app.url_map.bind("localhost")
    covered = {
        (adapter.match(path.format(**PLACEHOLDERS), method=method)[0], method)
        for method, path, _data, _expected in ROUTES
    }
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes - covered == set(), "routes without an entry in ROUTES"


def test_adding_an_email_gives_a_manager_nothing_until_its_owner_accepts(
    app, client, make_user, make_cohort, activity, enter_as
):
    """The attack: manager B adds to B's cohort the email of X's learner A, and of an account
    X made whose password is not set yet. B sees nothing of A's, takes over nothing, and
    learns nothing about which emails have accounts.
    """
    x = make_user(role=Role.MANAGER, email="x@example.com", name="Xavier Manager")
    b = make_user(role=Role.MANAGER, email="b@example.com", name="Bea Manager")
    a = make_user(email="a@example.com", name="Ada Private")
    cohort_x = make_cohort(x, members=[a], name="X's cohort")
    cohort_b = make_cohort(b, name="B's cohort")
    attempt = activity.quiz(a, RIGHT)
    run = activity.scenario(a, "careful", "ship")
    enter_as(x)
    made = post_form(
        client, f"/manage/cohorts/{cohort_x.id}/people/add", {"add-people": "Nia, nia@example.com"}
    )
    x_link = re.findall(r'value="http://localhost(/set-password/[^"]+)" readonly', made.text)[0]
    with app.app_context(), new_session() as session:
        nia = session.query(User).filter_by(email="nia@example.com").one()

    enter_as(b)
    reply = post_form(
        client,
        f"/manage/cohorts/{cohort_b.id}/people/add",
        {"add-people": "a@example.com\nnia@example.com"},
    )
    assert "Invited: <strong>2</strong>" in reply.text
    assert "Ada Private" not in reply.text
    assert "sign in as before" not in reply.text
    records = (
        f"/quizzes/fixture-quiz/attempts/{attempt}",
        f"/scenarios/fixture-scenario/runs/{run}",
        f"/manage/cohorts/{cohort_b.id}/learners/{a.id}",
    )
    assert [client.get(path).status_code for path in records] == [404, 404, 404]
    cohort_page = client.get(f"/manage/cohorts/{cohort_b.id}").text
    assert "Ada Private" not in cohort_page
    assert "a@example.com" not in client.get(f"/manage/cohorts/{cohort_b.id}/export.csv").text
    assert (
        "0 attempts by 0 learners"
        in client.get(f"/manage/cohorts/{cohort_b.id}/quizzes/fixture-quiz").text
    )
    people = client.get(f"/manage/cohorts/{cohort_b.id}/people").text
    assert "a@example.com" in people
    assert "Invited" in people
    assert "Ada Private" not in people
    assert "New set-password link" not in people

    # No set-password link for X's account: not while invited, nor once it has joined B's
    # cohort, for the account was not made for B's cohort.
    link_for_nia = f"/manage/cohorts/{cohort_b.id}/learners/{nia.id}/password-link"
    assert post_form(client, link_for_nia).status_code == 404
    with app.app_context(), new_session(write=True) as session:
        accept_invitation(session, cohort_id=cohort_b.id, user_id=nia.id, now=utcnow())
        session.commit()
    assert post_form(client, link_for_nia).status_code == 403
    assert app.test_client().get(x_link).status_code == 200  # X's link still works

    # Once A accepts, B sees what A does in the course.
    with app.app_context(), new_session(write=True) as session:
        accept_invitation(session, cohort_id=cohort_b.id, user_id=a.id, now=utcnow())
        session.commit()
    assert [client.get(path).status_code for path in records] == [200, 200, 200]
