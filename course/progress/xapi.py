"""Learning records as xAPI statements (one JSON object each), for a learning record store."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.auth.models import User
from course.progress.models import LearningRecord
from course.site.addresses import item_path

# Our verbs, as the ADL verb vocabulary names them.
VERB_IDS = {
    "opened": "http://adlnet.gov/expapi/verbs/experienced",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "attempted": "http://adlnet.gov/expapi/verbs/attempted",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "chose": "http://adlnet.gov/expapi/verbs/responded",
    "finished": "http://adlnet.gov/expapi/verbs/completed",
}
ACTIVITY_TYPES = {
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "scenario": "http://adlnet.gov/expapi/activities/simulation",
}


def statements(session: Session, user_ids, base_url: str) -> Iterator[dict]:
    """Yield the learners' records as xAPI statements, oldest first (one query, streamed)."""
    rows = session.execute(
        select(LearningRecord, User.email, User.name)
        .join(User, User.id == LearningRecord.user_id)
        .where(LearningRecord.user_id.in_(user_ids))
        .order_by(LearningRecord.recorded_at, LearningRecord.id)
        .execution_options(yield_per=1000)
    )
    for record, email, name in rows:
        yield statement(record, email, name, base_url)


def statement(record: LearningRecord, email: str, name: str, base_url: str) -> dict:
    """Return one record as an xAPI statement; its id is stable across exports."""
    activity = base_url.rstrip("/") + item_path(record.object_kind, record.object_slug)
    if record.object_part:
        activity += f"#{record.object_part}"
    result = {
        key: value
        for key, value in (
            ("score", {"scaled": record.score} if record.score is not None else None),
            ("success", record.is_success),
            ("completion", record.is_completion),
            ("response", record.response),
        )
        if value is not None
    }
    body = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base_url}/records/{record.id}")),
        "actor": {"objectType": "Agent", "name": name, "mbox": f"mailto:{email}"},
        "verb": {"id": VERB_IDS[record.verb], "display": {"en": record.verb}},
        "object": {
            "objectType": "Activity",
            "id": activity,
            "definition": {"type": ACTIVITY_TYPES[record.object_kind]},
        },
        "timestamp": record.recorded_at.isoformat(),
    }
    if result:
        body["result"] = result
    return body
