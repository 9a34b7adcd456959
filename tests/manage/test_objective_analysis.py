"""Question analysis by lesson objective, on a fixture copy whose questions name theirs."""

import pytest

from course.auth.models import Role
from course.content import get_catalog
from course.db import new_session
from course.manage.quiz_analysis import analyse_quiz
from tests.content.broken_copies import CourseCopy, add_objectives
from tests.manage.test_analysis import answers_for
from tests.manage.test_query_counts import counting

ROLES = "Tell the two roles apart"  # assessed by pick-one (8 of 12 right) and pick-many (3 of 12)
FIND_YOUR_WAY = "Find your way around the course"  # assessed by who-does-it (6 of 12)


@pytest.fixture
def app_config(app_config, tmp_path):
    copy = CourseCopy(tmp_path / "objectives-course")
    add_objectives(copy)
    return {**app_config, "CONTENT_DIR": str(copy.root)}


@pytest.fixture
def manager(make_user, enter_as):
    user = make_user(role=Role.MANAGER)
    enter_as(user)
    return user


def seeded_cohort(manager, make_cohort, make_user, activity, size=12):
    learners = [make_user() for _ in range(size)]
    for i, learner in enumerate(learners):
        activity.quiz(learner, answers_for(i))
    return make_cohort(manager, members=learners)


def test_facility_by_objective_is_the_mean_of_its_questions_weakest_first(
    app, manager, make_cohort, make_user, activity
):
    cohort = seeded_cohort(manager, make_cohort, make_user, activity)
    with app.app_context(), new_session() as session:
        catalog = get_catalog()
        analysis = analyse_quiz(
            session,
            catalog.quizzes["fixture-quiz"],
            cohort.id,
            lessons=catalog.lessons,
        )
    roles, find_your_way = analysis.objectives
    assert (roles.text, roles.lesson_title, str(roles.reference)) == (
        ROLES,
        "Welcome",
        "welcome#roles",
    )
    assert [q.question.id for q in roles.questions] == ["pick-one", "pick-many"]
    assert roles.facility == pytest.approx((8 / 12 + 3 / 12) / 2)
    assert find_your_way.text == FIND_YOUR_WAY
    assert find_your_way.facility == pytest.approx(6 / 12)
    assert analysis.objective_of(analysis.questions[2].question) is None  # is-accountable


def test_page_shows_the_cohort_s_facility_per_objective_and_each_question_s_objective(
    client, manager, make_cohort, make_user, activity
):
    cohort = seeded_cohort(manager, make_cohort, make_user, activity)
    page = client.get(f"/manage/cohorts/{cohort.id}/quizzes/fixture-quiz").text
    by_objective = page[page.index("By objective") : page.index("Questions at a glance")]
    assert by_objective.index(ROLES) < by_objective.index(FIND_YOUR_WAY)  # weakest first
    assert (
        f'<th scope="row">{ROLES}</th>\n            <td>Welcome</td>\n            <td>'
        '<a href="#question-1">Question 1</a>, <a href="#question-2">Question 2</a></td>\n'
        "            \n              <td>46%</td>"
    ) in by_objective
    summary = page[page.index("Questions at a glance") : page.index('id="question-1"')]
    assert '<th scope="col">Objective</th>' in summary
    assert summary.count(f"<td>{ROLES}</td>") == 2
    assert summary.count(f"<td>{FIND_YOUR_WAY}</td>") == 1


def test_few_responses_show_not_enough_data_by_objective(
    client, manager, make_cohort, make_user, activity
):
    cohort = seeded_cohort(manager, make_cohort, make_user, activity, size=3)
    page = client.get(f"/manage/cohorts/{cohort.id}/quizzes/fixture-quiz").text
    by_objective = page[page.index("By objective") : page.index("Questions at a glance")]
    assert by_objective.count("Not enough data yet") == 2
    assert "%" not in by_objective


@pytest.mark.parametrize("path", ["", "?attempts=all"])
def test_analysis_by_objective_runs_the_same_queries_for_3_learners_as_for_30(
    app, make_user, make_cohort, activity, enter_as, path
):
    counts = {}
    for size in (3, 30):
        manager = make_user(role=Role.MANAGER)
        cohort = seeded_cohort(manager, make_cohort, make_user, activity, size=size)
        browser = enter_as(manager, on=app.test_client())
        url = f"/manage/cohorts/{cohort.id}/quizzes/fixture-quiz{path}"
        browser.get(url)  # warm up
        with counting(app) as statements:
            response = browser.get(url)
        assert response.status_code == 200
        assert "By objective" in response.text
        counts[size] = len(statements)
    assert counts[3] == counts[30], counts
