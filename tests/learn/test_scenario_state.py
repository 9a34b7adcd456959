"""Scenarios with state: flags, variants, routes, ratings, shuffled choices and the debrief."""

import re

import pytest
from sqlalchemy.orm import selectinload

from course.db import new_session
from course.progress.models import ScenarioRun
from tests.conftest import csrf_token, post_form

PATH = "/scenarios/fixture-routes"


@pytest.fixture
def learner(make_user, sign_in):
    user = make_user()
    sign_in(user)
    return user


def step_form(client):
    page = client.get(PATH).text
    fields = dict(re.findall(r'name="(run|step|position)" value="([^"]+)"', page))
    fields["csrf_token"] = csrf_token(client)
    return page, fields


def choose(client, choice, form=None):
    if form is None:
        _page, form = step_form(client)
    return client.post(PATH + "/choose", data={**form, "choice": choice})


def play(client, *choices):
    """Start a run and make ``choices``; return the ending page's text."""
    post_form(client, PATH + "/start")
    response = None
    for choice in choices:
        response = choose(client, choice)
    assert "/runs/" in response.headers["Location"]
    return client.get(response.headers["Location"]).text


def shown_order(page):
    return re.findall(r'name="choice" value="([^"]+)"', page)


def runs(app):
    with app.app_context(), new_session() as session:
        query = session.query(ScenarioRun).options(selectinload(ScenarioRun.choices))
        return query.order_by(ScenarioRun.id).all()


def main_text(page):
    return page.split("<main")[1].split("</main>")[0]


def test_flags_choose_the_variant_and_the_route(client, learner, app):
    post_form(client, PATH + "/start")
    choose(client, "measure")
    page = client.get(PATH).text
    assert "Your numbers show where users drop off." in page
    assert "The review is tomorrow." not in page
    choose(client, "share")
    ending = client.get(choose(client, "story").headers["Location"]).text
    assert "A full-time offer" in ending
    assert "Ending rated best" in ending
    assert "Passed" in ending
    [run] = runs(app)
    assert (run.ending_id, run.points, run.is_passed) == ("offer", 6, True)


def test_without_the_flag_the_other_variant_and_route(client, learner):
    post_form(client, PATH + "/start")
    choose(client, "guess")
    assert "Without numbers, the room will argue about opinions." in client.get(PATH).text
    choose(client, "share")
    ending = client.get(choose(client, "story").headers["Location"]).text
    assert "A dented launch" in ending  # the route's not_flags entry


def test_score_decides_between_routes_and_ending_variants(client, learner, app):
    # Measured, but 4 of 6 points (67%) is below the offer's min_score of 80.
    ending = play(client, "measure", "hold", "story")
    assert "A quiet success" in ending
    assert "The launch goes ahead without fanfare." in ending
    ending = play(client, "measure", "share", "slides")
    assert "the team thanks you for sharing early" in ending  # the ending's variant
    # 2 of 6 (33%) is at or below the slides route's max_score of 40.
    assert "A dented launch" in play(client, "guess", "share", "slides")
    assert [run.ending_id for run in runs(app)] == ["quiet", "quiet", "dented"]


def test_each_choice_shows_its_rating_in_words_then_feedback_then_the_story(client, learner):
    post_form(client, PATH + "/start")
    choose(client, "guess")
    page = main_text(client.get(PATH).text)
    signal = page.index("Costly choice")
    assert signal < page.index("A hunch is not evidence.") < page.index("Without numbers")
    assert "You chose: Go with the hunch the team has had for weeks" in page
    choose(client, "hold")
    page = main_text(client.get(PATH).text)
    assert "Partly right" in page  # the explicit rating of a choice worth 0 points
    assert "Nobody is surprised" in page


def test_no_answer_key_reaches_the_page_before_the_choice(client, learner):
    post_form(client, PATH + "/start")
    page = main_text(client.get(PATH).text)
    for secret in ("Numbers first.", "A hunch is not evidence.", "Good choice", "points"):
        assert secret not in page
    choose(client, "measure")
    page = main_text(client.get(PATH).text)
    assert "Numbers first." in page
    for secret in ("Sharing early builds trust.", "Nobody is surprised", "Partly right"):
        assert secret not in page


def test_debrief_sets_the_path_beside_the_best_path(client, learner):
    ending = main_text(play(client, "guess", "hold", "story"))
    assert "Your path beside the best path" in ending
    # Where the learner differed: the best choice and its feedback.
    assert ending.count("Different from the best choice here") == 2
    for text in ("Measure usage", "Numbers first.", "Share the findings", "Sharing early"):
        assert text in ending
    assert ending.count("Same as the best path.") == 1  # the story
    best = ending.split("The best path</h2>")[1]
    assert (
        best.index("Measure usage")
        < best.index("Share the findings")
        < best.index("Tell the story")
    )


def test_a_best_ending_with_a_low_score_says_so(client, learner, app):
    play(client, "measure", "share", "story")
    # As if the run had been scored against an older file: best ending, below the mark.
    with app.app_context(), new_session(write=True) as session:
        run = session.query(ScenarioRun).one()
        run.points, run.score, run.is_passed = 2.0, 2 / 6, False
        session.commit()
        run_id = run.id
    page = client.get(f"{PATH}/runs/{run_id}").text
    assert "Ending rated best" in page
    assert "Not passed" in page
    assert "You reached this ending with a low score" in page


def test_shuffled_order_is_drawn_per_run_and_stable_on_reload(client, learner, app):
    shown = []
    for _run in range(8):
        post_form(client, PATH + "/start")
        orders = {}
        for choice in ("guess", "hold", "slides"):
            page = client.get(PATH).text
            order = shown_order(page)
            assert shown_order(client.get(PATH).text) == order  # a reload
            orders[re.search(r'name="step" value="([^"]+)"', page).group(1)] = order
            choose(client, choice)
        shown.append(orders)
    # What was shown is what each run stored, and the runs were not all alike:
    # eight runs drawing the same three orders is a chance of one in two million.
    assert shown == [run.choice_order for run in runs(app)]
    assert len({tuple(map(tuple, orders.values())) for orders in shown}) > 1
    assert {tuple(orders["brief"]) for orders in shown} <= {
        ("measure", "guess"),
        ("guess", "measure"),
    }


def test_shuffled_order_is_the_same_on_another_device(client, learner, make_user, sign_in, app):
    post_form(client, PATH + "/start")
    choose(client, "measure")
    here = shown_order(client.get(PATH).text)
    there = sign_in(learner, on=app.test_client())
    assert shown_order(there.get(PATH).text) == here
    [run] = runs(app)
    assert here == run.choice_order["findings"]


def test_reports_keep_choice_ids_whatever_the_order(client, learner, app):
    play(client, "measure", "share", "story")
    [run] = runs(app)
    assert [(c.step_id, c.choice_id, c.rating) for c in run.choices] == [
        ("brief", "measure", "good"),
        ("findings", "share", "good"),
        ("review", "story", "good"),
    ]


def test_stale_back_tab_and_tampered_forms_never_change_the_path(client, learner, app):
    post_form(client, PATH + "/start")
    _page, first_form = step_form(client)
    choose(client, "measure", first_form)
    # Back: the first step's form again, with the other choice.
    assert choose(client, "guess", first_form).status_code == 302
    _page, second_form = step_form(client)
    # Tampered: a choice of another step, or none at all, at the current step.
    for tampered in ("story", "measure", "nope"):
        choose(client, tampered, second_form)
    # A second tab submits the same form twice.
    choose(client, "share", second_form)
    choose(client, "hold", second_form)
    [run] = runs(app)
    assert [(c.step_id, c.choice_id) for c in run.choices] == [
        ("brief", "measure"),
        ("findings", "share"),
    ]
    assert run.points == 4
    assert run.current_step == "review"
