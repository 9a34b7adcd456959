"""Every route of the app, for every role: who gets what.

A cohort is visible to its managers and to admins only; to anyone else it does
not exist (404). Learners see no manager page (403); signed-out visitors are
sent to sign in (302). A route missing from the table fails
``test_every_route_has_an_entry``, so nothing new ships unchecked.
"""

import io
from dataclasses import dataclass

import pytest

from course.auth.models import Role, User
from course.db import new_session, utcnow
from course.manage.cohorts import join_cohort, remove_member
from course.manage.models import Cohort
from course.manage.tokens import issue_password_tokens
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
    ("GET", "/certificates/AAAA-BBBB-CCCC", None, expect(404, 404, 404, 404)),
    ("GET", "/manage/", None, expect(302, 403, 200, 200)),
    ("GET", "/manage/cohorts/new", None, expect(302, 403, 200, 200)),
    ("POST", "/manage/cohorts/new", {"name": "Autumn hires"}, expect(302, 403, 302, 302)),
    ("GET", C, None, expect(302, 403, 404, 200)),
    ("GET", C + "/learners/{member}", None, expect(302, 403, 404, 200)),
    ("GET", C + "/learners/{outsider}", None, expect(302, 403, 404, 404)),
    ("GET", C + "/quizzes/fixture-quiz", None, expect(302, 403, 404, 200)),
    ("GET", C + "/quizzes/no-such-quiz", None, expect(302, 403, 404, 404)),
    ("GET", C + "/scenarios/fixture-scenario", None, expect(302, 403, 404, 200)),
    ("GET", C + "/scenarios/no-such-scenario", None, expect(302, 403, 404, 404)),
    ("GET", C + "/export.csv", None, expect(302, 403, 404, 200)),
    ("GET", C + "/people", None, expect(302, 403, 404, 200)),
    ("POST", C + "/invite", {}, expect(302, 403, 404, 302)),
    (
        "POST",
        C + "/people/add",
        {"add-people": "new.person@example.com"},
        expect(302, 403, 404, 200),
    ),
    ("POST", C + "/people/import", "roster", expect(302, 403, 404, 200)),
    ("POST", C + "/learners/{member}/remove", {}, expect(302, 403, 404, 302)),
    ("POST", C + "/learners/{passwordless}/password-link", {}, expect(302, 403, 404, 200)),
    ("POST", C + "/learners/{member}/password-link", {}, expect(302, 403, 404, 403)),
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
    with app.app_context(), new_session(write=True) as session:
        passwordless = User(email="new@example.com", name="Newcomer", role=Role.LEARNER)
        session.add(passwordless)
        session.flush()
        token = issue_password_tokens(session, [passwordless.id], utcnow())[passwordless.id]
        session.commit()
        passwordless_id = passwordless.id
    cohort = make_cohort(
        manager, members=[classmate, member, outsider], invite=True, name="Spring hires"
    )
    make_cohort(other, members=[outsider], name="Other cohort")
    with app.app_context(), new_session(write=True) as session:
        join_cohort(session, cohort_id=cohort.id, user_ids=[passwordless_id], now=utcnow())
        # The outsider was in this cohort once: gone, they are no longer the manager's to see.
        remove_member(session, cohort_id=cohort.id, user_id=outsider.id)
        session.commit()
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
        session.commit()
    ids = {
        "cohort": cohort.id,
        "cohort_manager": manager.id,
        "member": member.id,
        "outsider": outsider.id,
        "passwordless": passwordless_id,
        "code": code,
        "token": token,
        "attempt": attempt,
        "run": run,
        "certificate": certificate,
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
    "outsider": 3,
    "passwordless": 4,
    "code": "c",
    "token": "t",
    "attempt": 5,
    "run": 6,
    "certificate": "AAAA-BBBB-CCCC",
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
