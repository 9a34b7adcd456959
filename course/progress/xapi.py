"""Learning records as xAPI statements (one JSON object each), for a learning record store."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.auth.models import User
from course.progress.models import LearningRecord
from course.site.addresses import item_path

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
# Our verbs, as the ADL verb vocabulary names them; a statement shows the ADL verb's
# own name, since a store reads the display as the name of the verb id beside it.
VERB_NAMES = {
    "opened": "experienced",
    "completed": "completed",
    "attempted": "attempted",
    "passed": "passed",
    "failed": "failed",
    "chose": "responded",
    "finished": "completed",
}
ACTIVITY_TYPES = {
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "scenario": "http://adlnet.gov/expapi/activities/simulation",
}


_WITH_ACTOR = select(LearningRecord, User.email, User.name).join(
    User, User.id == LearningRecord.user_id
)


def statements(session: Session, user_ids, *, base_url: str, site_id: uuid.UUID) -> Iterator[dict]:
    """Yield the learners' records as xAPI statements, oldest first (one query, streamed)."""
    rows = session.execute(
        _WITH_ACTOR.where(LearningRecord.user_id.in_(user_ids))
        .order_by(LearningRecord.recorded_at, LearningRecord.id)
        .execution_options(yield_per=1000)
    )
    for record, email, name in rows:
        yield statement(record, email, name, base_url=base_url, site_id=site_id)


def record_statements(
    session: Session, record_ids: list[int], *, base_url: str, site_id: uuid.UUID
) -> list[tuple[int, dict]]:
    """Return each of these records' id and statement, in the order of their ids (one query)."""
    rows = session.execute(
        _WITH_ACTOR.where(LearningRecord.id.in_(record_ids)).order_by(LearningRecord.id)
    )
    return [
        (record.id, statement(record, email, name, base_url=base_url, site_id=site_id))
        for record, email, name in rows
    ]


def statement_id(record: LearningRecord, site_id: uuid.UUID) -> uuid.UUID:
    """Return the record's statement id: the same at every export, unique to this database.

    The site's random id keeps two databases apart; what the record says (not only
    its row id) keeps apart two records that reuse a row id, as a database restored
    from a backup and then written to does.
    """
    name = ":".join(
        (
            "learning_record",
            str(record.id),
            str(record.user_id),
            record.verb,
            record.object_kind,
            record.object_slug,
            record.object_part or "",
            record.recorded_at.astimezone(UTC).isoformat(),
        )
    )
    return uuid.uuid5(site_id, name)


def statement(
    record: LearningRecord, email: str, name: str, *, base_url: str, site_id: uuid.UUID
) -> dict:
    """Return one record as an xAPI statement."""
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
    verb = VERB_NAMES[record.verb]
    body = {
        "id": str(statement_id(record, site_id)),
        "actor": {"objectType": "Agent", "name": name, "mbox": f"mailto:{email}"},
        "verb": {"id": ADL_VERBS + verb, "display": {"en": verb}},
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
