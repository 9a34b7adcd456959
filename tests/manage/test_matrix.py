"""The cohort page: summary, charts, flags with reasons, sorting and filtering, and the CSV."""

import csv
import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest

from course.auth.models import Role
from course.content import get_catalog
from course.db import utcnow
from course.manage.export import safe_cell
from course.manage.matrix import risk_flags
from course.progress.state import LearnerProgress
from course.progress.status import ItemState, Status
from course.site.formats import day as format_date
from tests.conftest import RIGHT, WRONG

TODAY = utcnow().date()


class MatrixParser(HTMLParser):
    """Collect the text of each cell of each body row of the progress matrix.

    What a screen reader reads: marks hidden from it are left out, and so is the
    email under each name, so that a row starts with the learner's name.
    """

    def __init__(self):
        super().__init__()
        self.rows, self.in_matrix, self.in_body, self.cell = [], False, False, None
        self.skipping = False

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "span" and (dict(attrs).get("aria-hidden") == "true" or classes == "email"):
            self.skipping = True
        elif tag == "table" and "matrix" in classes:
            self.in_matrix = True
        elif self.in_matrix and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "span":
            self.skipping = False
        if self.in_body and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.in_matrix = self.in_body = False

    def handle_data(self, data):
        if self.cell is not None and not self.skipping:
            self.cell.append(data + " ")


def matrix_rows(page: str) -> list[list[str]]:
    parser = MatrixParser()
    parser.feed(page)
    return parser.rows


@pytest.fixture
def manager(make_user, enter_as):
    user = make_user(role=Role.MANAGER, name="Mona Manager")
    enter_as(user)
    return user


@pytest.fixture
def stages(app, make_user, activity):
    """Five learners at different stages of the fixture course."""
    now = utcnow()
    done = make_user(name="Dana Done")
    activity.everything(done, at=now - timedelta(days=1))
    idle = make_user(name="Ivan Idle")
    activity.lessons(idle, "welcome", at=now - timedelta(days=16))
    stuck = make_user(name="Sam Stuck")
    activity.lessons(stuck, "welcome", "roles", at=now)
    for number in (1, 2, 3):
        activity.quiz(stuck, WRONG, number=number, at=now)
    half = make_user(name="Hana Half")
    activity.lessons(half, "welcome", "roles", at=now)
    activity.scenario(half, "careful")  # unfinished
    fresh = make_user(name="Fay Fresh")
    return {"done": done, "idle": idle, "stuck": stuck, "half": half, "fresh": fresh}


def test_summary_figures_and_flags_say_why(client, manager, make_cohort, stages):
    cohort = make_cohort(manager, members=stages.values(), due_on=TODAY + timedelta(days=3))
    page = client.get(f"/manage/cohorts/{cohort.id}").text
    assert "<strong>5</strong> learners" in page
    assert "<strong>1</strong> completed" in page
    assert "average best score on Fixture Quiz (2 took it)" in page
    rows = {row[0]: row for row in matrix_rows(page)}
    assert rows["Dana Done"][1] == "—"
    assert rows["Ivan Idle"][1] == "no activity for 16 days 25% done, due in 3 days"
    assert "out of attempts on Fixture Quiz" in rows["Sam Stuck"][1]
    assert rows["Hana Half"][2] == "50%"
    assert rows["Hana Half"][1] == "50% done, due in 3 days"
    assert rows["Fay Fresh"][1] == "0% done, due in 3 days"
    assert "<strong>4</strong> at risk" in page


def test_overdue_and_not_started_flags(client, manager, make_cohort, make_user, stages, app):
    cohort = make_cohort(
        manager,
        members=[stages["half"], stages["fresh"]],
        due_on=TODAY - timedelta(days=2),
        joined_at=utcnow() - timedelta(days=17),
    )
    rows = {row[0]: row for row in matrix_rows(client.get(f"/manage/cohorts/{cohort.id}").text)}
    assert rows["Hana Half"][1] == "50% done, overdue by 2 days"
    assert rows["Fay Fresh"][1] == "not started 17 days after joining 0% done, overdue by 2 days"


def test_risk_flags_read_as_sentences(app):
    with app.app_context():
        quiz_item = next(item for item in get_catalog().items if item.kind == "quiz")
    out = ItemState(item=quiz_item, status=Status.OUT_OF_ATTEMPTS, is_done=False)
    progress = LearnerProgress(
        items=(out,),
        required_done=2,
        required_total=5,
        completed_at=None,
        last_activity_at=utcnow() - timedelta(days=1),
        out_of_attempts=(quiz_item,),
    )
    joined = utcnow() - timedelta(days=30)
    assert risk_flags(progress, joined, None, TODAY) == ("out of attempts on Fixture Quiz",)
    assert risk_flags(progress, joined, TODAY + timedelta(days=3), TODAY)[-1] == (
        "40% done, due in 3 days"
    )
    assert risk_flags(progress, joined, TODAY, TODAY)[-1] == "40% done, due today"
    assert risk_flags(progress, joined, TODAY - timedelta(days=1), TODAY)[-1] == (
        "40% done, overdue by 1 day"
    )
    # Well ahead of an even pace through the last week: not flagged for the date.
    assert len(risk_flags(progress, joined, TODAY + timedelta(days=6), TODAY)) == 1


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("", ["Dana Done", "Fay Fresh", "Hana Half", "Ivan Idle", "Sam Stuck"]),
        ("?show=completed", ["Dana Done"]),
        ("?show=not-started", ["Fay Fresh"]),
        ("?show=in-progress", ["Hana Half", "Ivan Idle", "Sam Stuck"]),
        ("?show=at-risk", ["Ivan Idle", "Sam Stuck"]),
        (
            "?sort=progress&order=desc",
            ["Dana Done", "Hana Half", "Sam Stuck", "Ivan Idle", "Fay Fresh"],
        ),
        (
            "?sort=activity&order=asc",
            ["Fay Fresh", "Ivan Idle", "Dana Done", "Sam Stuck", "Hana Half"],
        ),
        (
            "?sort=name&order=desc",
            ["Sam Stuck", "Ivan Idle", "Hana Half", "Fay Fresh", "Dana Done"],
        ),
        (
            "?show=nonsense&sort=nonsense&page=x",
            ["Dana Done", "Fay Fresh", "Hana Half", "Ivan Idle", "Sam Stuck"],
        ),
    ],
)
def test_matrix_filters_and_sorts_on_the_server(client, manager, make_cohort, stages, query, names):
    cohort = make_cohort(manager, members=stages.values())
    response = client.get(f"/manage/cohorts/{cohort.id}{query}")
    assert response.status_code == 200
    assert [row[0] for row in matrix_rows(response.text)] == names


def test_matrix_pages_large_cohorts(client, manager, make_cohort, make_user, monkeypatch):
    monkeypatch.setattr("course.manage.paging.PAGE_SIZE", 2)
    people = [make_user(name=f"Learner {n}") for n in range(1, 6)]
    cohort = make_cohort(manager, members=people)
    first = client.get(f"/manage/cohorts/{cohort.id}").text
    assert [row[0] for row in matrix_rows(first)] == ["Learner 1", "Learner 2"]
    assert "Page 1 of 3" in first
    assert "page=2" in first
    last = client.get(f"/manage/cohorts/{cohort.id}?page=3").text
    assert [row[0] for row in matrix_rows(last)] == ["Learner 5"]
    beyond = client.get(f"/manage/cohorts/{cohort.id}?page=99").text
    assert [row[0] for row in matrix_rows(beyond)] == ["Learner 5"]


def test_matrix_sits_in_a_scrollable_region_and_charts_have_text(
    client, manager, make_cohort, stages
):
    cohort = make_cohort(manager, members=stages.values())
    page = client.get(f"/manage/cohorts/{cohort.id}").text
    region = r'<div class="table-scroll" role="region" aria-label="[^"]+" tabindex="0">'
    assert re.search(region + r'\s*<table class="data matrix">', page)
    assert page.count('role="img"') == 2
    assert (
        "Progress of 5 learners: 1 at 0%, 0 at 1 to 24%, 1 at 25 to 49%, 2 at 50 to 74%, "
        "0 at 75 to 99%, 1 at 100%."
    ) in page
    assert "1 of 5 learners completed the course" in page
    assert "<summary>Progress distribution as a table</summary>" in page


def csv_of(client, cohort_id):
    response = client.get(f"/manage/cohorts/{cohort_id}/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return response, list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


@pytest.fixture(params=["free order", "sequential"])
def course_app(request, app):
    """The fixture course as it is, and made sequential (which locks later items)."""
    return app if request.param == "free order" else request.getfixturevalue("sequential_app")


def test_page_and_csv_agree(course_app, manager, make_cohort, stages, enter_as):
    client = enter_as(manager, on=course_app.test_client())
    cohort = make_cohort(manager, members=stages.values(), due_on=date(2031, 5, 1))
    page_rows = {
        row[0]: row for row in matrix_rows(client.get(f"/manage/cohorts/{cohort.id}").text)
    }
    _response, lines = csv_of(client, cohort.id)
    header, records = lines[0], lines[1:]
    with course_app.app_context():
        items = get_catalog().items
        is_sequential = get_catalog().course.sequential
    assert header[:6] == ["name", "email", "percentage", "complete", "due date", "last activity"]
    assert header[6:] == [f"{item.title} {part}" for item in items for part in ("status", "score")]
    assert sorted(record[0] for record in records) == sorted(page_rows)
    for record in records:
        row = page_rows[record[0]]
        assert row[2] == f"{record[2]}%"
        assert record[3] == ("yes" if record[2] == "100" else "no")
        assert record[4] == "2031-05-01"
        last = date.fromisoformat(record[5]) if record[5] else None
        assert row[3 + len(items)] == format_date(last)
        for index, _item in enumerate(items):
            status, score = record[6 + 2 * index], record[7 + 2 * index]
            expected = status.capitalize() + (f" {score}%" if score else "")
            assert row[3 + index] == expected
    fresh = {record[0]: record for record in records}["Fay Fresh"]
    assert ("locked" in fresh) is is_sequential


def test_csv_cells_cannot_become_formulas(client, manager, make_cohort, make_user):
    names = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "Plain"]
    cohort = make_cohort(
        manager, members=[make_user(name=name) for name in names], name="Q1 = hires!"
    )
    response, lines = csv_of(client, cohort.id)
    assert sorted(line[0] for line in lines[1:]) == sorted(
        ['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "Plain"]
    )
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(
        r'attachment; filename="q1-hires-progress-\d{4}-\d{2}-\d{2}\.csv"', disposition
    )


def test_safe_cell_leaves_ordinary_text_alone():
    assert safe_cell("Ada") == "Ada"
    assert safe_cell(40) == "40"
    assert safe_cell(None) == ""
    assert safe_cell("\tx") == "'\tx"


def test_learner_page_links_attempts_to_their_reviews(
    client, manager, make_cohort, make_user, activity
):
    learner = make_user(name="Rae Reviewed")
    attempt_id = activity.quiz(learner, RIGHT)
    run_id = activity.scenario(learner, "careful", "ship")
    activity.scenario(learner, "ask", number=2)  # at the detour step, unfinished
    cohort = make_cohort(manager, members=[learner])
    page = client.get(f"/manage/cohorts/{cohort.id}/learners/{learner.id}").text
    assert "Rae Reviewed" in page
    assert f'href="/quizzes/fixture-quiz/attempts/{attempt_id}"' in page
    assert f'href="/scenarios/fixture-scenario/runs/{run_id}"' in page
    assert "Check the release checklist" in page  # the path taken
    assert "Unfinished: stopped after 1 choice" in page
    review = client.get(f"/quizzes/fixture-quiz/attempts/{attempt_id}")
    assert review.status_code == 200
    assert "Back to the quiz" not in review.text  # not the manager's own attempt
    assert client.get(f"/scenarios/fixture-scenario/runs/{run_id}").status_code == 200


def test_filters_lead_to_an_export_of_the_same_learners(client, manager, make_cohort, stages):
    cohort = make_cohort(manager, members=stages.values(), due_on=TODAY - timedelta(days=1))
    page = client.get(f"/manage/cohorts/{cohort.id}").text
    assert "Export these" not in page  # everyone: the plain "Export CSV" does
    for show, names in (
        ("at-risk", ["Fay Fresh", "Hana Half", "Ivan Idle", "Sam Stuck"]),
        ("not-started", ["Fay Fresh"]),
        ("overdue", ["Fay Fresh", "Hana Half", "Ivan Idle", "Sam Stuck"]),
    ):
        page = client.get(f"/manage/cohorts/{cohort.id}?show={show}").text
        assert [row[0] for row in matrix_rows(page)] == names
        link = re.search(r'href="([^"]*export\.csv[^"]*)" download>Export these (\d+)', page)
        assert link is not None, show
        assert int(link.group(2)) == len(names)
        response = client.get(link.group(1).replace("&amp;", "&"))
        lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
        assert [line[0] for line in lines[1:]] == names
        assert f"-{show}-" in response.headers["Content-Disposition"]


def test_matrix_cells_are_marks_explained_by_a_legend(client, manager, make_cohort, stages, app):
    cohort = make_cohort(manager, members=stages.values())
    page = client.get(f"/manage/cohorts/{cohort.id}").text
    with app.app_context():
        items = get_catalog().items
    for number, item in enumerate(items, start=1):
        # A number in the head, the full title on hover, to screen readers and in the legend.
        assert (
            f'title="{number}. {item.title}"><span aria-hidden="true">{number}</span>'
            f'<span class="visually-hidden">{item.title}</span>'
        ) in page
        assert f"<li>{item.title} <span" in page.split('class="legend-items"')[1]
    assert "✓</span> done: completed, passed or finished" in page
    assert '<span class="email">' in page
    head = page.split('class="data matrix"')[1].split("</thead>")[0]
    assert head.index("Learner") < head.index("Flags") < head.index("Progress")


def test_manager_pages_write_dates_one_way(client, manager, make_cohort, stages):
    cohort = make_cohort(manager, members=stages.values(), due_on=date(2031, 5, 1))
    assert "due 1 May 2031" in client.get(f"/manage/cohorts/{cohort.id}").text
    assert "<td>1 May 2031</td>" in client.get("/manage/").text
    today = f"{TODAY.day} {TODAY:%b %Y}"
    rows = matrix_rows(client.get(f"/manage/cohorts/{cohort.id}").text)
    assert {row[0]: row[-1] for row in rows}["Hana Half"] == today


def test_csv_streamed_in_batches_keeps_the_pages_order_and_counts(
    client, manager, make_cohort, stages, monkeypatch
):
    monkeypatch.setattr("course.manage.matrix.BATCH_SIZE", 2)  # three batches for five
    cohort = make_cohort(manager, members=stages.values(), due_on=TODAY + timedelta(days=3))
    query = "?sort=progress&order=desc"
    page = client.get(f"/manage/cohorts/{cohort.id}{query}").text
    rows = matrix_rows(page)
    response = client.get(f"/manage/cohorts/{cohort.id}/export.csv{query}")
    records = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))[1:]
    assert [record[0] for record in records] == [row[0] for row in rows]
    # The "At risk" count is an aggregate query; the flags are read row by row: they agree.
    flagged = sum(row[1] != "—" for row in rows)
    assert f"At risk ({flagged})" in page
