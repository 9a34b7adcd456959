"""The cohort page's "Send reminders": mail every learner not finished, once a day at most."""

from __future__ import annotations

from flask import flash, redirect, url_for

from course import mail
from course.content import get_catalog
from course.db import get_session, utcnow
from course.mail.delivery import AFTER_COMMIT_BUDGET, deliver_queued
from course.manage.reminders import plan_manual_reminders, queue_reminders
from course.manage.views import COHORT, bp, load_cohort
from course.permissions import manager_required


@bp.post(COHORT + "/reminders")
@manager_required
def send_reminders(cohort_id: int):
    """Mail a reminder to each learner of the cohort who has not finished, once per day."""
    cohort = load_cohort(cohort_id)
    if not mail.is_configured():
        flash(
            "This site sends no mail (COURSE_SMTP_URL is not set): no reminders were sent.", "error"
        )
        return redirect(url_for("manage.cohort", cohort_id=cohort.id))
    session = get_session()
    now = utcnow()
    plan, earlier = plan_manual_reminders(session, get_catalog(), cohort, now.date())
    queued = queue_reminders(session, plan, now)
    session.commit()
    count = len(queued.reminders)
    delivery = deliver_queued(budget=AFTER_COMMIT_BUDGET)
    message = f"Reminders sent to {count} {'learner' if count == 1 else 'learners'} not finished."
    if earlier:
        message += f" {earlier} had one today already and were left alone."
    if delivery.failed:
        message += (
            f" The mail server did not take them all; the rest are sent later ({delivery.error})."
        )
    flash(message, "success" if not delivery.failed else "error")
    return redirect(url_for("manage.cohort", cohort_id=cohort.id))
