"""LTI 1.3: launching the course from an LMS, placing it, sending scores, reading rosters.

The library (pylti1p3next) is spoken to in ``tool`` alone; ``launches``, ``grades``
and ``roster`` are plain services; ``views`` are thin.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the LTI addresses and commands, the score listener and framed sessions."""
    from course.lti import framing
    from course.lti.cli import lti_cli
    from course.lti.grades import queue_grades
    from course.lti.roster import roster_link
    from course.lti.views import bp
    from course.progress.completions import listen_for_completions

    app.register_blueprint(bp)
    app.cli.add_command(lti_cli)
    listen_for_completions(app, queue_grades)
    framing.init_app(app)

    def lti_roster_cohort(cohort_id: int) -> bool:
        from course.db import get_session

        return roster_link(get_session(), cohort_id) is not None

    app.jinja_env.globals["lti_roster_cohort"] = lti_roster_cohort
