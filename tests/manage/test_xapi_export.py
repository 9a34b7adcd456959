"""``course export xapi --cohort ID``: the cohort's learning records as xAPI statements."""

import json
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from course import create_app
from course.auth.models import Role, User
from course.db import Model, make_engine, new_session
from course.manage.cohorts import create_cohort, join_cohort
from course.membership import Cohort
from course.progress.models import LearningRecord, LessonProgress, QuizAttempt, ScenarioChoice
from course.progress.records import Verb
from course.progress.xapi import statement
from tests.conftest import FIXTURE_COURSE, Activity
from tests.test_demo import run_demo

SITE = "https://course.example"
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
# The ADL verb registry: each verb's id and the name it is displayed by.
ADL_VERBS = {
    Verb.OPENED: ("http://adlnet.gov/expapi/verbs/experienced", "experienced"),
    Verb.COMPLETED: ("http://adlnet.gov/expapi/verbs/completed", "completed"),
    Verb.ATTEMPTED: ("http://adlnet.gov/expapi/verbs/attempted", "attempted"),
    Verb.PASSED: ("http://adlnet.gov/expapi/verbs/passed", "passed"),
    Verb.FAILED: ("http://adlnet.gov/expapi/verbs/failed", "failed"),
    Verb.CHOSE: ("http://adlnet.gov/expapi/verbs/responded", "responded"),
    Verb.FINISHED: ("http://adlnet.gov/expapi/verbs/completed", "completed"),
}


def export(app, cohort_id, *options):
    result = app.test_cli_runner().invoke(
        args=["export", "xapi", "--cohort", str(cohort_id), *options]
    )
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def fill(app, password_hash, at) -> int:
    """Give the app's database a cohort of one member with a lesson and a scenario run."""
    with app.app_context(), new_session(write=True) as session:
        manager, member, outsider = (
            User(email=email, name=name, role=role, password_hash=password_hash)
            for email, name, role in (
                ("manager@example.com", "Manager", Role.MANAGER),
                ("member@example.com", "Member", Role.LEARNER),
                ("outsider@example.com", "Outsider", Role.LEARNER),
            )
        )
        session.add_all([manager, member, outsider])
        session.flush()
        cohort = create_cohort(
            session, name="Spring hires", starts_on=None, due_on=None, manager_id=manager.id, now=at
        )
        join_cohort(session, cohort_id=cohort.id, user_ids=[member.id], now=at)
        session.commit()
    activity = Activity(app)
    activity.lessons(member, "welcome", at=at)
    activity.everything(outsider, at=at)
    activity.scenario(member, "careful", "ship", at=at + timedelta(minutes=5))
    return cohort.id


def test_export_writes_one_statement_per_record_for_members_only(app, make_app, password_hash):
    cohort_id = fill(app, password_hash, AT)
    statements = export(app, cohort_id, "--base-url", SITE)
    verbs = [s["verb"]["display"]["en"] for s in statements]
    assert verbs == ["completed", "responded", "responded", "completed"]
    assert {s["actor"]["mbox"] for s in statements} == {"mailto:member@example.com"}
    finished = statements[-1]
    assert finished["object"]["id"] == f"{SITE}/scenarios/fixture-scenario#success"
    assert finished["result"] == {"score": {"scaled": 1.0}, "success": True, "completion": True}
    ids = [uuid.UUID(s["id"]) for s in statements]  # xAPI requires UUIDs
    assert len(set(ids)) == len(statements)
    # Exported again, by another process on the same database: the same ids, so a
    # store (and forwarding) can recognise statements it already has.
    assert export(make_app(), cohort_id, "--base-url", SITE) == statements


def test_two_databases_with_the_same_records_give_different_statement_ids(
    app, tmp_path, password_hash
):
    cohort_id = fill(app, password_hash, AT)
    # A second database (staging, say) where the very same things happened.
    staging = fresh_sqlite_app(tmp_path / "staging")
    try:
        assert fill(staging, password_hash, AT) == cohort_id
        ours = export(app, cohort_id, "--base-url", SITE)
        theirs = export(staging, cohort_id, "--base-url", SITE)
    finally:
        staging.extensions["course_db"]["engine"].dispose()

    def without_id(statements):
        return [{k: v for k, v in s.items() if k != "id"} for s in statements]

    assert len(ours) == 4
    assert without_id(ours) == without_id(theirs)  # the same statements...
    assert not {s["id"] for s in ours} & {s["id"] for s in theirs}  # ...told apart


def fresh_sqlite_app(folder):
    url = f"sqlite:///{folder}.db"
    engine = make_engine(url)
    Model.metadata.create_all(engine)
    engine.dispose()
    return create_app(
        {"TESTING": True, "DATABASE_URL": url, "CONTENT_DIR": str(FIXTURE_COURSE)}, str(folder)
    )


def test_a_restored_backup_written_to_again_gives_its_new_records_new_ids(tmp_path, password_hash):
    production = fresh_sqlite_app(tmp_path / "production")
    backup = tmp_path / "backup.db"
    try:
        cohort_id = fill(production, password_hash, AT)
        exported = export(production, cohort_id, "--base-url", SITE)  # the site id is made
        runner = production.test_cli_runner()
        assert runner.invoke(args=["db", "backup", str(backup)]).exit_code == 0
        member = Activity(production)
        with production.app_context(), new_session() as session:
            learner = session.scalar(select(User).where(User.email == "member@example.com"))
        member.lessons(learner, "roles", at=AT + timedelta(days=1))
        forwarded = export(production, cohort_id, "--base-url", SITE)
    finally:
        production.extensions["course_db"]["engine"].dispose()
    # Production is lost; the backup comes back, and the learner does something else.
    restored = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{backup}",
            "CONTENT_DIR": str(FIXTURE_COURSE),
        },
        str(tmp_path / "restored"),
    )
    try:
        Activity(restored).quiz(learner, {}, at=AT + timedelta(days=2))
        after = export(restored, cohort_id, "--base-url", SITE)
    finally:
        restored.extensions["course_db"]["engine"].dispose()
    assert after[: len(exported)] == exported  # the records both have keep their ids
    new = {s["id"] for s in after[len(exported) :]}
    lost = {s["id"] for s in forwarded[len(exported) :]}
    assert new
    assert not new & lost  # a store that has the lost statements still takes the new ones


def test_activity_ids_use_the_base_url_setting(make_app, password_hash, monkeypatch):
    monkeypatch.setenv("COURSE_BASE_URL", "https://learn.example.org/academy/")
    app = make_app()
    cohort_id = fill(app, password_hash, AT)
    result = app.test_cli_runner().invoke(args=["export", "xapi", "--cohort", str(cohort_id)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    objects = [json.loads(line)["object"]["id"] for line in result.stdout.splitlines()]
    assert objects[0] == "https://learn.example.org/academy/lessons/welcome"
    assert objects[-1] == "https://learn.example.org/academy/scenarios/fixture-scenario#success"


def test_without_a_base_url_the_export_says_what_it_used(app, password_hash):
    cohort_id = fill(app, password_hash, AT)
    result = app.test_cli_runner().invoke(args=["export", "xapi", "--cohort", str(cohort_id)])
    assert result.exit_code == 0, result.output
    assert "COURSE_BASE_URL is not set" in result.stderr
    objects = [json.loads(line)["object"]["id"] for line in result.stdout.splitlines()]
    assert objects[0] == "http://localhost/lessons/welcome"


@pytest.mark.parametrize(
    "address", ["course.example", "ftp://course.example", "https://x.example/?a=1", "https://"]
)
def test_a_base_url_that_is_not_an_address_is_refused(app, address):
    result = app.test_cli_runner().invoke(
        args=["export", "xapi", "--cohort", "1", "--base-url", address]
    )
    assert result.exit_code == 2
    assert "--base-url must be the site's public address" in result.output


@pytest.mark.parametrize("verb", list(Verb))
def test_each_verb_is_displayed_by_its_own_name(app, verb):
    record = LearningRecord(
        id=1,
        user_id=1,
        verb=verb.value,
        object_kind="lesson",
        object_slug="welcome",
        recorded_at=AT,
    )
    with app.app_context():  # activity ids come from the app's URL map
        body = statement(record, "a@example.com", "A", base_url=SITE, site_id=uuid.uuid4())
    assert (body["verb"]["id"], body["verb"]["display"]["en"]) == ADL_VERBS[verb]


def test_export_of_an_unknown_cohort_is_a_clear_error(runner):
    result = runner.invoke(args=["export", "xapi", "--cohort", "999"])
    assert result.exit_code == 1
    assert "there is no cohort 999" in result.output


def test_a_demo_cohort_exports_its_activity_in_time_order(app):
    run_demo(app, "--learners", "30", "--seed", "7")
    with app.app_context(), new_session() as session:
        cohort_id = session.scalar(select(func.max(Cohort.id)))
        emails = dict(session.execute(select(User.id, User.email)).all())
        done = {
            ("lesson", emails[p.user_id], p.lesson_slug, p.completed_at)
            for p in session.scalars(select(LessonProgress))
            if p.completed_at
        }
        submitted = Counter(
            ("quiz", emails[a.user_id], a.quiz_slug, a.submitted_at)
            for a in session.scalars(select(QuizAttempt))
        )
        chosen = Counter(
            ("scenario", emails[c.run.user_id], c.run.scenario_slug, c.chosen_at)
            for c in session.scalars(select(ScenarioChoice))
        )
    assert done
    assert submitted
    assert chosen
    statements = export(app, cohort_id, "--base-url", SITE)

    def facts(verb):
        return Counter(
            (
                s["object"]["definition"]["type"].rsplit("/", 1)[1],
                s["actor"]["mbox"].removeprefix("mailto:"),
                s["object"]["id"].split("/")[-1].split("#")[0],
                datetime.fromisoformat(s["timestamp"]),
            )
            for s in statements
            if s["verb"]["display"]["en"] == verb
        )

    times = [datetime.fromisoformat(s["timestamp"]) for s in statements]
    assert times == sorted(times)
    # One statement for each thing the learners did, at the moment they did it.
    completed = facts("completed")
    assert {fact for fact in completed if fact[0] == "lesson"} == done
    assert facts("attempted") == Counter(
        {("assessment", *fact[1:]): n for fact, n in submitted.items()}
    )
    assert facts("responded") == Counter(
        {("simulation", *fact[1:]): n for fact, n in chosen.items()}
    )
    assert facts("passed") + facts("failed") == facts("attempted")
    assert any(fact[0] == "simulation" for fact in completed)  # finished runs
    # A lesson is opened before it is completed.
    opened = {(fact[1], fact[2]): fact[3] for fact in facts("experienced")}
    for _kind, email, slug, at in done:
        assert opened[email, slug] <= at
