"""What learners did: the records, and the services that write and summarise them."""

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from course.auth.accounts import listen_for_renames
from course.content import get_catalog
from course.db import database_engine, new_session
from course.progress.forward_cli import xapi_cli
from course.progress.status import badge_of
from course.progress.summaries import ensure_outline, outline_is_checked, refresh_members
from course.progress.views import bp, has_certificate


def init_app(app: Flask) -> None:
    """Register the learner's progress and certificate pages, ``course xapi forward``, and
    keep the summaries on the outline."""
    app.register_blueprint(bp)
    app.cli.add_command(xapi_cli)
    app.jinja_env.globals.update(badge_of=badge_of, has_certificate=has_certificate)
    app.before_request(summaries_follow_outline)
    # The member summaries keep the learner's name, to sort a cohort by it.
    listen_for_renames(app, lambda session, user_id: refresh_members(session, user_ids=[user_id]))


def summaries_follow_outline() -> None:
    """Recompute the summaries, before any page reads them, when the outline has changed.

    Once per catalog and process: afterwards this costs a dictionary lookup, and
    no session is opened for it.
    """
    try:
        catalog = get_catalog()
    except Exception:  # content that does not load has its own error page
        return
    if outline_is_checked(database_engine().pool, catalog):
        return
    session = new_session(write=True)
    try:
        ensure_outline(session.connection(), catalog)
        session.commit()
        ensure_outline(session.connection(), catalog, remember=True)
    except SQLAlchemyError:
        # A database that is down (or not migrated yet) gets its own page from the view.
        session.rollback()
    finally:
        session.close()
