"""``course export xapi --cohort ID``: the cohort's learning records as xAPI statements."""

import json

from course.auth.models import Role


def test_export_writes_one_statement_per_record_for_members_only(
    runner, make_user, make_cohort, activity
):
    manager = make_user(role=Role.MANAGER)
    member, outsider = make_user(email="member@example.com"), make_user()
    cohort = make_cohort(manager, members=[member])
    activity.lessons(member, "welcome")
    activity.everything(outsider)
    activity.scenario(member, "careful", "ship")

    result = runner.invoke(
        args=["export", "xapi", "--cohort", str(cohort.id), "--base-url", "https://course.example"]
    )
    assert result.exit_code == 0, result.output
    statements = [json.loads(line) for line in result.output.splitlines()]
    verbs = [s["verb"]["display"]["en"] for s in statements]
    assert verbs == ["completed", "chose", "chose", "finished"]
    assert {s["actor"]["mbox"] for s in statements} == {"mailto:member@example.com"}
    finished = statements[-1]
    assert finished["object"]["id"] == "https://course.example/scenarios/fixture-scenario#success"
    assert finished["result"] == {"score": {"scaled": 1.0}, "success": True, "completion": True}
    assert len({s["id"] for s in statements}) == len(statements)
    again = runner.invoke(
        args=["export", "xapi", "--cohort", str(cohort.id), "--base-url", "https://course.example"]
    )
    assert again.output == result.output  # stable ids: a store can deduplicate


def test_export_of_an_unknown_cohort_is_a_clear_error(runner):
    result = runner.invoke(args=["export", "xapi", "--cohort", "999"])
    assert result.exit_code == 1
    assert "there is no cohort 999" in result.output
