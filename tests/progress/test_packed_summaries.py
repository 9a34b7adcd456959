"""A learner's item summaries packed in one text (the cohort CSV's read) say what the rows say."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, literal, select

from course.db import new_session, utcnow
from course.progress.models import ItemSummary
from course.progress.state import packed_item_summaries, unpack_item_summaries

# Scores whose text in SQL could read back as a neighbouring float, and halves that
# round to even (12.5% is 12, 62.5% is 62): the CSV must round what the page rounds.
SCORES = [1 / 3, 2 / 3, 1 / 7, 0.1 + 0.2, 0.125, 0.625, 0.345, 5e-324, 1.0, 0.0, None]


def test_packed_summaries_read_back_exactly(app, make_user):
    user = make_user()
    now = utcnow()
    places = {("quiz", f"quiz-{number}"): number for number in range(len(SCORES))}
    places[("lesson", "intro")] = len(SCORES)
    rows = [
        {
            "user_id": user.id,
            "item_kind": "quiz",
            "item_slug": f"quiz-{number}",
            "status": "passed" if number % 2 else "out of attempts",
            "attempts": 1,
            "granted": 0,
            "best_score": score,
            "last_activity_at": now,
            "done_at": now - timedelta(days=1) if number % 2 else None,
            "unfinished": 0,
        }
        for number, score in enumerate(SCORES)
    ]
    # One summary of an item no longer in the outline: left out, as the pages leave it.
    gone = {**rows[0], "item_slug": "retired-quiz"}
    lesson = {**rows[0], "item_kind": "lesson", "item_slug": "intro", "status": "completed"}
    with app.app_context(), new_session(write=True) as session:
        session.execute(insert(ItemSummary), [*rows, gone, {**lesson, "best_score": None}])
        session.commit()
        packed = session.scalar(select(packed_item_summaries(literal(user.id))))
        nothing = session.scalar(select(packed_item_summaries(literal(user.id + 1))))
    unpacked = sorted(unpack_item_summaries(packed, places))
    assert [item.index for item in unpacked] == list(range(len(SCORES) + 1))
    assert [item.best_score for item in unpacked] == [*SCORES, None]
    assert [item.is_done for item in unpacked[: len(SCORES)]] == [
        bool(number % 2) for number in range(len(SCORES))
    ]
    assert unpacked[1].status == "passed"
    assert unpacked[2].status == "out of attempts"
    assert unpacked[-1].status == "completed"
    assert list(unpack_item_summaries(nothing, places)) == []
