"""Mail: an outbox written with each action, delivered through SMTP after the commit.

Features queue mail in their own transaction (``queue_mail``), so a mail exists
exactly when the action that wants it happened, then ask for delivery once they
have committed (``deliver_queued``). Whatever a delivery could not send stays
queued and is retried, by the next delivery or by ``course remind``.
"""

from __future__ import annotations

from flask import current_app


def is_configured() -> bool:
    """Tell whether the site sends mail (``COURSE_SMTP_URL`` is set)."""
    return bool(current_app.config.get("SMTP_URL"))
