"""The site's random id: made once per database, the same for every process."""

import uuid

from sqlalchemy import func, select

from course.db import new_session, utcnow
from course.site.identity import site_uuid
from course.site.models import Site
from tests.test_concurrency import run_in_threads


def test_processes_starting_together_agree_on_one_site_id(app):
    found = []

    def start(_index):
        with app.app_context(), new_session(write=True) as session:
            found.append(site_uuid(session, utcnow()))
            session.commit()

    run_in_threads(start, 6)
    assert len(set(found)) == 1
    assert isinstance(found[0], uuid.UUID)
    assert found[0].version == 4  # random
    with app.app_context(), new_session() as session:
        assert session.scalar(select(func.count()).select_from(Site)) == 1
        assert site_uuid(session, utcnow()) == found[0]
