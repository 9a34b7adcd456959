"""Many learners at once on one database: no errors, nothing lost, nothing twice."""

import re
import threading

import pytest
from sqlalchemy import func, select

from course.db import new_session
from course.progress.models import LessonProgress, QuizAttempt, ScenarioChoice, ScenarioRun
from tests.conftest import PASSWORD, csrf_token
from tests.learn.test_quizzes import ALL_RIGHT

LEARNERS = 8


def run_in_threads(work, count):
    errors, barrier = [], threading.Barrier(count)

    def runner(index):
        try:
            barrier.wait()
            work(index)
        except BaseException as error:  # reported below with the thread's index
            errors.append((index, repr(error)))

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors


@pytest.fixture
def signed_in_clients(app, make_user):
    clients = []
    for _ in range(LEARNERS):
        user = make_user()
        client = app.test_client()
        client.post(
            "/login",
            data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)},
        )
        clients.append((user, client, csrf_token(client)))
    return clients


def count(app, model, **where):
    with app.app_context(), new_session() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return session.scalar(query)


def test_learners_working_at_once(app, signed_in_clients):
    forms = []
    for _user, client, _token in signed_in_clients:
        page = client.get("/quizzes/fixture-quiz").text
        forms.append(re.search(r'name="attempt" value="([^"]+)"', page).group(1))

    def work(index):
        _user, client, token = signed_in_clients[index]
        for slug in ("welcome", "roles"):
            response = client.post(f"/lessons/{slug}/complete", data={"csrf_token": token})
            assert response.status_code == 302, response.status_code
        data = {**ALL_RIGHT, "attempt": forms[index], "csrf_token": token}
        # The same quiz form sent three times at once (an impatient triple click).
        for _ in range(3):
            assert client.post("/quizzes/fixture-quiz", data=data).status_code == 302
        assert (
            client.post("/scenarios/fixture-scenario/start", data={"csrf_token": token}).status_code
            == 302
        )
        page = client.get("/scenarios/fixture-scenario").text
        fields = dict(re.findall(r'name="(run|step|position)" value="([^"]+)"', page))
        for choice in ("careful", "careful", "rush"):  # repeats and a stale choice
            response = client.post(
                "/scenarios/fixture-scenario/choose",
                data={**fields, "choice": choice, "csrf_token": token},
            )
            assert response.status_code == 302

    run_in_threads(work, LEARNERS)
    assert count(app, LessonProgress) == 2 * LEARNERS
    assert count(app, QuizAttempt) == LEARNERS
    assert count(app, ScenarioRun) == LEARNERS
    assert count(app, ScenarioChoice) == LEARNERS
    assert count(app, ScenarioChoice, choice_id="careful") == LEARNERS


def test_one_learner_double_submitting_in_parallel(app, signed_in_clients):
    user, client, _token = signed_in_clients[0]
    page = client.get("/quizzes/fixture-quiz").text
    attempt = re.search(r'name="attempt" value="([^"]+)"', page).group(1)
    clients = [app.test_client() for _ in range(6)]
    for other in clients:
        other.post(
            "/login",
            data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(other)},
        )

    def work(index):
        other = clients[index]
        data = {**ALL_RIGHT, "attempt": attempt, "csrf_token": csrf_token(other)}
        assert other.post("/quizzes/fixture-quiz", data=data).status_code == 302
        assert (
            other.post(
                "/lessons/welcome/complete", data={"csrf_token": csrf_token(other)}
            ).status_code
            == 302
        )

    run_in_threads(work, len(clients))
    assert count(app, QuizAttempt, user_id=user.id) == 1
    assert count(app, LessonProgress, user_id=user.id) == 1
