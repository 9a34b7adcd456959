"""LTI 1.3 addresses: login initiation, launch (and deep linking), the tool's keys, roster."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from course.auth.sessions import start_session
from course.content import get_catalog
from course.db import begin_write, get_session, utcnow
from course.extensions import csrf
from course.lti import tool
from course.lti.framing import allow_form_to, remember_framing
from course.lti.grades import queue_scores_not_sent
from course.lti.launches import (
    DEEP_LINKING_SETTINGS,
    DEPLOYMENT_ID,
    MESSAGE_TYPE,
    LaunchRefused,
    follow_launch,
    platform_of,
)
from course.lti.models import LtiPlatform
from course.lti.roster import RosterUnavailable, roster_link, update_roster
from course.membership import Cohort
from course.permissions import can_view_cohort, manager_required
from course.site.addresses import item_address

bp = Blueprint("lti", __name__, url_prefix="/lti")
log = logging.getLogger("course")

DEEP_LINK_KEY = "lti_deep_link"
REFUSED = "Your LMS's launch of the course could not be accepted"


def site_root() -> str:
    """Return the site's public root: COURSE_BASE_URL, else this request's."""
    return current_app.config["BASE_URL"] or request.url_root.rstrip("/")


def address(endpoint: str, **values) -> str:
    """Return a full address on the site, under COURSE_BASE_URL when it is set."""
    return site_root() + url_for(endpoint, **values)[len(request.script_root) :]


def _refuse(reason: str, code: int = 400):
    log.info("LTI launch refused [%s]: %s", request.path, reason)
    abort(code, f"{REFUSED}: {reason} Open it from your LMS again.")


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
def login():
    """Answer the platform's login initiation with a redirect to its authorisation page."""
    db = get_session()
    begin_write(db)
    try:
        response = tool.login_redirect(db, address("lti.launch"))
    except tool.REFUSALS as error:
        db.rollback()
        return _refuse(str(error) or "unknown platform.")
    db.commit()
    return response


@bp.post("/launch")
@csrf.exempt
def launch():
    """Check the platform's launch, sign its user in and open the item it names."""
    db = get_session()
    try:
        claims = tool.validated_launch(db)
    except tool.REFUSALS as error:
        db.rollback()
        return _refuse(str(error) or "the launch did not validate.")
    # A valid launch has spent its nonce: commit that now, so that a refusal below
    # still leaves the launch unrepeatable.
    db.commit()
    try:
        followed = follow_launch(db, claims, site_root=site_root(), now=utcnow())
    except LaunchRefused as error:
        db.rollback()
        return _refuse(str(error), 404)
    is_deep_link = claims.get(MESSAGE_TYPE) == "LtiDeepLinkingRequest"
    if is_deep_link and not followed.is_instructor:
        db.rollback()
        return _refuse("only instructors may place the course in an LMS course.", 403)
    if not followed.is_instructor and not is_deep_link:
        queue_scores_not_sent(db, followed.user.id, utcnow())
    platform = platform_of(db, claims)
    start_session(db, followed.user)
    remember_framing(platform)
    db.commit()
    if is_deep_link:
        session[DEEP_LINK_KEY] = {
            "platform_id": platform.id,
            "deployment_id": claims.get(DEPLOYMENT_ID),
            "settings": claims.get(DEEP_LINKING_SETTINGS) or {},
        }
        return redirect(url_for("lti.deep_link"))
    return redirect(followed.target.path)


@bp.get("/jwks.json")
def jwks():
    """Publish the tool's public keys, for platforms to check what it signs."""
    response = current_app.json.response(tool.public_key_set())
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.route("/deep-link", methods=["GET", "POST"])
@login_required
def deep_link():
    """Let an instructor pick what to place in their LMS: the whole course or one item."""
    pending = session.get(DEEP_LINK_KEY)
    if pending is None or not current_user.is_manager:
        abort(404, "There is no placement from your LMS waiting. Start it from the LMS again.")
    items = {f"{item.kind}:{item.slug}": item for item in get_catalog().items}
    if request.method == "GET":
        return render_template("lti/deep_link.html", items=items.values())
    choice = request.form.get("item", "")
    if choice == "course":
        title, url, custom = "The whole course", address("learn.outline"), {"item": "course"}
    elif choice in items:
        item = items[choice]
        path = item_address(item.kind, item.slug)[len(request.script_root) :]
        title, url, custom = item.title, site_root() + path, {"item": choice}
    else:
        abort(400, "Choose the whole course or one of its items.")
    platform = get_session().get(LtiPlatform, pending["platform_id"])
    if platform is None:
        abort(404, "That LMS is no longer registered.")
    jwt, return_url = tool.deep_linking_form(
        platform,
        deployment_id=pending["deployment_id"],
        settings=pending["settings"],
        title=title,
        url=url,
        custom=custom,
    )
    session.pop(DEEP_LINK_KEY, None)
    allow_form_to(return_url)  # this page's one form goes to the platform
    return render_template(
        "lti/deep_link_response.html", jwt=jwt, return_url=return_url, title=title
    )


@bp.post("/cohorts/<id:cohort_id>/roster")
@manager_required
def update_roster_from_lms(cohort_id: int):
    """Add everyone in the cohort's LMS course: learners join, instructors manage."""
    db = get_session()
    cohort = db.get(Cohort, cohort_id)
    if cohort is None or not can_view_cohort(current_user, cohort):
        abort(404)
    link = roster_link(db, cohort_id)
    if link is None:
        abort(404, "This cohort is not linked to an LMS course whose participants it may read.")
    try:
        update = update_roster(db, link, utcnow())
    except RosterUnavailable as error:
        db.rollback()
        flash(str(error), "error")
        return redirect(url_for("manage.cohort", cohort_id=cohort_id))
    db.commit()
    flash(
        f"Roster updated from the LMS: {update.learners} learners, {update.managers} managers.",
        "success",
    )
    return redirect(url_for("manage.cohort", cohort_id=cohort_id))
