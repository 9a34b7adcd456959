"""Frozen reviews are stored once each, and every answer that reads the same shares one."""

from sqlalchemy import func, select

from course.db import new_session
from course.progress.models import AnswerReview
from course.progress.reviews import review_digest, stored_review_ids


def test_equal_reviews_share_one_row_within_and_across_submissions(app):
    same = {"prompt_html": "<p>Q</p>", "rows": [{"label": "A", "is_picked": True}]}
    other = {"prompt_html": "<p>Q</p>", "rows": [{"label": "B", "is_picked": True}]}
    with app.app_context(), new_session(write=True) as session:
        first = stored_review_ids(session, [same, other, dict(reversed(same.items()))])
        session.commit()
    with app.app_context(), new_session(write=True) as session:
        again = stored_review_ids(session, [other, same])
        session.commit()
        stored = session.scalar(select(func.count()).select_from(AnswerReview))
        kept = session.get(AnswerReview, first[0])
    assert first[0] == first[2] != first[1]
    assert again == [first[1], first[0]]
    assert stored == 2
    assert kept.review == same
    assert kept.digest == review_digest(same)
