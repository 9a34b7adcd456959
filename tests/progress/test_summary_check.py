"""``course db check`` recomputes the summaries from the facts and names what disagrees."""

from sqlalchemy import text

from course.auth.models import Role
from course.content import get_catalog
from course.db import new_session
from course.manage.overrides import grant_attempt
from course.progress.state import progress_for_learner
from tests.conftest import RIGHT, WRONG


def test_db_check_passes_when_summaries_agree_and_names_a_row_that_does_not(
    app, runner, make_user, activity
):
    learner = make_user(email="ada@example.com")
    activity.lessons(learner, "welcome", "roles")
    activity.quiz(learner, WRONG)
    activity.quiz(learner, RIGHT, number=2)
    activity.scenario(learner, "careful")
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    assert "agrees with the facts" in result.output

    with app.app_context(), new_session(write=True) as session:
        session.execute(
            text("UPDATE item_summary SET status = 'attempted' WHERE item_slug = 'fixture-quiz'")
        )
        session.commit()
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 1
    assert f"learner {learner.id} (ada@example.com), quiz fixture-quiz" in result.output
    assert "1 summary rows disagree" in result.output

    assert runner.invoke(args=["db", "check", "--repair"]).exit_code == 0
    assert runner.invoke(args=["db", "check"]).exit_code == 0


def test_a_granted_attempt_changes_the_summary_with_it(app, runner, make_user, activity):
    learner = make_user()
    for number in (1, 2, 3):
        activity.quiz(learner, WRONG, number=number)
    with app.app_context(), new_session(write=True) as session:
        catalog = get_catalog()
        before = progress_for_learner(session.connection(), catalog, learner.id)
        assert [item.slug for item in before.out_of_attempts] == ["fixture-quiz"]
        grant_attempt(
            session,
            user_id=learner.id,
            quiz=catalog.quizzes["fixture-quiz"],
            granted_by=None,
            now=before.last_activity_at,
        )
        session.commit()
        after = progress_for_learner(session.connection(), catalog, learner.id)
        assert after.out_of_attempts == ()
        assert after.state_of("quiz", "fixture-quiz").max_attempts == 4
    assert runner.invoke(args=["db", "check"]).exit_code == 0


def test_db_check_names_a_member_whose_risk_days_disagree_and_repairs_them(
    app, runner, make_user, make_cohort, activity
):
    learner = make_user(email="ada@example.com")
    make_cohort(make_user(role=Role.MANAGER), members=[learner])
    activity.lessons(learner, "welcome")
    assert runner.invoke(args=["db", "check"]).exit_code == 0
    with app.app_context(), new_session(write=True) as session:
        # As if they had finished: the page would no longer count them at risk.
        changed = session.execute(text("UPDATE member_summary SET at_risk_from_day = NULL"))
        assert changed.rowcount == 1
        session.commit()
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 1
    assert f"learner {learner.id} (ada@example.com), their row in cohort" in result.output

    assert runner.invoke(args=["db", "check", "--repair"]).exit_code == 0
    assert runner.invoke(args=["db", "check"]).exit_code == 0
