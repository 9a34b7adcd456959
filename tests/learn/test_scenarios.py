"""Playing a scenario: scoring, resuming, stale forms, history."""

import re

import pytest

from course.db import new_session
from course.progress.models import ScenarioChoice, ScenarioRun
from tests.conftest import csrf_token, post_form

PATH = "/scenarios/fixture-scenario"


@pytest.fixture
def learner(make_user, sign_in):
    user = make_user()
    sign_in(user)
    return user


def start(client):
    return post_form(client, PATH + "/start")


def step_form(client):
    page = client.get(PATH).text
    fields = dict(re.findall(r'name="(run|step|position)" value="([^"]+)"', page))
    fields["csrf_token"] = csrf_token(client)
    return page, fields


def choose(client, choice, form=None):
    if form is None:
        _page, form = step_form(client)
    return client.post(PATH + "/choose", data={**form, "choice": choice})


def runs(app):
    with app.app_context(), new_session() as session:
        return session.query(ScenarioRun).order_by(ScenarioRun.id).all()


def test_intro_then_steps_with_choices_as_buttons(client, learner):
    intro = client.get(PATH).text
    assert "A release is due on Friday." in intro
    assert ">Start</button>" in intro
    start(client)
    page, _form = step_form(client)
    assert "The release is due. What do you do first?" in page
    assert '<button type="submit" name="choice" value="careful"' in page
    assert "Check the release checklist</button>" in page
    assert "points" not in page.lower().split("<main")[1].split("</form>")[0]


def test_best_path_scores_full_marks_and_shows_the_whole_path(client, learner, app):
    start(client)
    after_first = choose(client, "careful")
    assert after_first.headers["Location"] == PATH
    assert "Good habit." in client.get(PATH).text  # feedback before the next step
    ending = choose(client, "ship")
    page = client.get(ending.headers["Location"]).text
    assert "A smooth release" in page
    assert "Score <strong>100%</strong>" in page
    assert "Passed" in page
    assert "Check the release checklist" in page
    assert "Ship on Friday" in page
    assert 'href="/lessons/roles"' in page
    assert "Start again" in page
    [run] = runs(app)
    assert run.points == 4
    assert run.max_points == 4
    assert run.is_passed


def test_longer_path_scores_against_the_best_path(client, learner, app):
    start(client)
    for choice in ("careful", "wait", "recover"):
        choose(client, choice)
    [run] = runs(app)
    assert run.ending_id == "muddle"
    assert run.score == pytest.approx(3 / 4)
    assert run.is_passed  # 75% >= 60%


def test_resume_from_another_device(app, client, learner, sign_in):
    start(client)
    choose(client, "careful")
    other_device = sign_in(learner, on=app.test_client())
    page = other_device.get(PATH).text
    assert "The checklist is complete." in page


def test_stale_form_never_changes_the_path(client, learner, app):
    start(client)
    _page, first_step = step_form(client)
    choose(client, "careful", first_step)
    # Back button: the first step's form again, with another choice.
    response = choose(client, "rush", first_step)
    assert response.status_code == 302
    page = client.get(PATH).text
    assert "That step was already answered" in page
    assert "The checklist is complete." in page
    with app.app_context(), new_session() as session:
        assert [c.choice_id for c in session.query(ScenarioChoice)] == ["careful"]


def test_choice_from_another_step_is_refused(client, learner, app):
    start(client)
    response = choose(client, "ship")  # belongs to the next step
    assert response.status_code == 302
    assert "That choice is not part of this step." in client.get(PATH).text
    with app.app_context(), new_session() as session:
        assert session.query(ScenarioChoice).count() == 0


@pytest.mark.parametrize(
    "form", [{"run": "x", "step": "kickoff", "position": "0"}, {"step": "kickoff"}]
)
def test_malformed_choice_form_is_a_400(client, learner, form):
    start(client)
    response = client.post(
        PATH + "/choose", data={**form, "choice": "careful", "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 400


def test_someone_elses_run_is_a_404(app, client, learner, make_user, sign_in):
    start(client)
    _page, form = step_form(client)
    other = sign_in(make_user(), on=app.test_client())
    response = other.post(
        PATH + "/choose", data={**form, "choice": "careful", "csrf_token": csrf_token(other)}
    )
    assert response.status_code == 404


def test_history_lists_runs_and_compares_choices(client, learner, app):
    start(client)
    choose(client, "careful")
    choose(client, "ship")
    start(client)
    choose(client, "ask")
    ending = choose(client, "recover")
    page = client.get(ending.headers["Location"]).text
    assert "Last time you chose: Check the release checklist" in page
    intro_runs = client.get(PATH).text
    assert "Run 1" in intro_runs
    assert "Run 2" in intro_runs
    assert len(runs(app)) == 2


def test_double_start_makes_one_run(client, learner, app):
    start(client)
    start(client)
    assert len(runs(app)) == 1


def test_scenario_status_on_the_outline(client, learner):
    start(client)
    assert "In progress" in client.get("/").text
    choose(client, "careful")
    choose(client, "ship")
    assert "Finished" in client.get("/").text
