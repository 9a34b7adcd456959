"""Taking a quiz, submitting it once, and reviewing an attempt."""

from __future__ import annotations

import random
from datetime import UTC

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from course.content.model import Quiz
from course.content.question_types import AnswerError
from course.db import begin_write, get_session, utcnow
from course.learn.navigation import course_contents, neighbours
from course.learn.quiz_form import build_quiz_form, draft_formdata, read_answers, read_draft
from course.learn.views import bp, load_item, open_item
from course.manage.overrides import learner_due_on
from course.permissions import can_view_learner, managers_of_learner
from course.progress.certificates import issue_if_complete
from course.progress.drafts import discard_drafts, find_draft, save_draft
from course.progress.draws import draw_for, find_draw
from course.progress.models import QuizAttempt
from course.progress.quizzes import AttemptRefused, submit_attempt, submitted_attempts


def _token_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="quiz-attempt")


def attempt_token(user_id: int, slug: str, number: int) -> str:
    """Sign which attempt a form is for; its timestamp is the attempt's start."""
    return _token_serializer().dumps({"user": user_id, "quiz": slug, "number": number})


def read_attempt_token(token: str, user_id: int, slug: str):
    """Return (attempt number, started at) from a form's token, or 400."""
    try:
        payload, signed_at = _token_serializer().loads(token, return_timestamp=True)
    except BadSignature:
        abort(400, "This quiz form is not valid any more. Reload the quiz and try again.")
    if payload.get("user") != user_id or payload.get("quiz") != slug:
        abort(400, "This quiz form belongs to another quiz or account.")
    number = payload.get("number")
    if not isinstance(number, int) or number < 1:
        abort(400, "This quiz form is not valid.")
    return number, signed_at


def shuffle_seed(user_id: int, slug: str, number: int) -> str:
    """The seed that fixes option order for one attempt, the same on every reload."""
    return f"{current_app.secret_key}:{user_id}:{slug}:{number}"


def as_attempt_sees_it(session, quiz: Quiz, user_id: int, number: int) -> Quiz:
    """Return the quiz with only this attempt's drawn questions, drawing them on first sight."""
    if not quiz.has_draws:
        return quiz
    draw = find_draw(session, user_id, quiz.slug, number)
    if draw is None:
        # The attempt's first view writes its draw, in a GET too: one transaction
        # holding the write lock, committed here so a reload finds it.
        begin_write(session)
        draw = draw_for(session, user_id, quiz, number, utcnow(), random.SystemRandom())
        session.commit()
    return quiz.drawn(draw.question_ids)


@bp.route("/quizzes/<slug>", methods=["GET", "POST"])
@login_required
def quiz(slug: str):
    """Show the quiz with earlier attempts; grade and record a submission."""
    opened = open_item("quiz", slug)
    catalog, quiz, outline_item, state = (
        opened.catalog,
        opened.content,
        opened.outline_item,
        opened.state,
    )
    session = get_session()
    attempts = submitted_attempts(session, current_user.id, slug)
    number = len(attempts) + 1
    # The learner's own limit: the quiz's, and the attempts their manager granted.
    limit = state.max_attempts
    is_out_of_attempts = limit is not None and number > limit
    # What this attempt asks: the questions drawn for it, scored on their points.
    asked = quiz
    status_code = 200
    form = draft = None
    missing: list[str] = []
    if request.method == "POST":
        form_number, started_at = read_attempt_token(
            request.form.get("attempt", ""), current_user.id, slug
        )
        if form_number < number:
            # The same form again (double click, Back and resubmit): one attempt only.
            flash("That attempt was already recorded; here is its review.", "info")
            earlier = attempts[form_number - 1]
            return redirect(url_for("learn.attempt", slug=slug, attempt_id=earlier.id))
        if form_number > number:
            abort(400, "This quiz form does not match your attempts. Reload the quiz.")
        if not is_out_of_attempts:
            asked = as_attempt_sees_it(session, quiz, current_user.id, number)
        form = build_quiz_form(asked, shuffle_seed(current_user.id, slug, number), request.form)
        try:
            # An answer to a question this attempt did not draw is refused like a forged one.
            answers, missing = read_answers(asked, form, request.form)
        except AnswerError as error:
            abort(400, str(error))
        if not missing:
            try:
                now = utcnow()
                # Answers saved earlier began the attempt earlier than this form did.
                draft = find_draft(session, current_user.id, slug, number)
                if draft is not None:
                    started_at = min(started_at, draft.started_at)
                attempt = submit_attempt(
                    session,
                    user_id=current_user.id,
                    quiz=asked,
                    number=number,
                    answers=answers,
                    started_at=started_at.astimezone(UTC),
                    now=now,
                )
                issued = None
                discard_drafts(session, current_user.id, slug)
                if attempt.is_passed:
                    issued = issue_if_complete(
                        session,
                        catalog,
                        user_id=current_user.id,
                        learner_name=current_user.name,
                        now=now,
                    )
                session.commit()
            except AttemptRefused as refusal:
                abort(403, str(refusal))
            except IntegrityError:
                session.rollback()
                flash("That attempt was already recorded.", "info")
                return redirect(url_for("learn.quiz", slug=slug))
            if issued is not None:  # this attempt completed the course
                flash(f"You passed “{outline_item.title}”.", "success")
                return redirect(url_for("progress.certificate"))
            return redirect(url_for("learn.attempt", slug=slug, attempt_id=attempt.id))
        status_code = 422
    elif not is_out_of_attempts:
        draft = find_draft(session, current_user.id, slug, number)
        # A passed quiz opens on its result; "Try again" (?again) asks for a new form.
        is_showing_pass = (
            draft is None
            and "again" not in request.args
            and any(earlier.is_passed for earlier in attempts)
        )
        if not is_showing_pass:
            asked = as_attempt_sees_it(session, quiz, current_user.id, number)
            saved = draft_formdata(asked, draft.fields) if draft else None
            form = build_quiz_form(asked, shuffle_seed(current_user.id, slug, number), saved)
    previous_item, next_item = neighbours(catalog, outline_item)
    return (
        render_template(
            "learn/quiz.html",
            quiz=asked,
            item=outline_item,
            state=state,
            form=form,
            missing=missing,
            token=attempt_token(current_user.id, slug, number) if form else None,
            number=number,
            attempts=attempts,
            is_out_of_attempts=is_out_of_attempts,
            limit=limit,
            due_on=learner_due_on(session, current_user.id),
            granted=(limit - quiz.max_attempts) if limit is not None else 0,
            previous_item=previous_item,
            next_item=next_item,
            contents=course_contents(catalog, opened.progress, outline_item),
            draft=draft,
            managers=managers_to_ask(attempts, is_out_of_attempts),
        ),
        status_code,
    )


@bp.post("/quizzes/<slug>/draft")
@login_required
def save_quiz_draft(slug: str):
    """Keep the answers given so far in this attempt, without submitting them."""
    opened = open_item("quiz", slug)
    quiz, session = opened.content, get_session()
    number = len(submitted_attempts(session, current_user.id, slug)) + 1
    form_number, started_at = read_attempt_token(
        request.form.get("attempt", ""), current_user.id, slug
    )
    if form_number != number:
        abort(409, "This attempt was submitted already, so these answers were not saved.")
    # A draft holds answers to the questions this attempt drew, as a submission would.
    asked = as_attempt_sees_it(session, quiz, current_user.id, number)
    form = build_quiz_form(asked, None, request.form)
    try:
        fields = read_draft(asked, form, request.form)
    except AnswerError as error:
        abort(400, str(error))
    now = utcnow()
    save_draft(
        session,
        user_id=current_user.id,
        quiz=quiz,
        number=number,
        fields=fields,
        started_at=started_at.astimezone(UTC),
        now=now,
    )
    session.commit()
    saved = f"Your answers were saved at {now:%H:%M} UTC."
    if request.accept_mimetypes.best == "application/json":  # course.js saving as you go
        return jsonify(saved_at=now.isoformat(), message=saved)
    flash(f"{saved} Come back to this quiz, on any device, to finish it.", "success")
    return redirect(url_for("learn.quiz", slug=slug))


def managers_to_ask(attempts: list[QuizAttempt], is_out_of_attempts: bool) -> list[str]:
    """Return the names of who can grant another attempt, when the learner needs one."""
    if not is_out_of_attempts or any(attempt.is_passed for attempt in attempts):
        return []
    return managers_of_learner(get_session(), current_user.id)


@bp.get("/quizzes/<slug>/attempts/<id:attempt_id>")
@login_required
def attempt(slug: str, attempt_id: int):
    """Review a submitted attempt: score, answers, right answers and feedback."""
    catalog, quiz, outline_item = load_item("quiz", slug)
    attempt = get_session().get(QuizAttempt, attempt_id)
    if attempt is None or attempt.quiz_slug != slug or not can_review(current_user, attempt):
        abort(404)
    previous_item, next_item = neighbours(catalog, outline_item)
    is_own = attempt.user_id == current_user.id
    attempts = submitted_attempts(get_session(), attempt.user_id, slug) if is_own else []
    is_passed = any(earlier.is_passed for earlier in attempts)
    is_out_of_attempts = quiz.max_attempts is not None and len(attempts) >= quiz.max_attempts
    return render_template(
        "learn/attempt.html",
        quiz=quiz,
        attempt=attempt,
        item=outline_item,
        is_own=is_own,
        previous_item=previous_item,
        next_item=next_item,
        # The next step: try again while it can still be passed, else go on.
        can_try_again=is_own and not is_passed and not is_out_of_attempts,
        managers=managers_to_ask(attempts, is_out_of_attempts) if is_own else [],
        is_out_of_attempts=is_out_of_attempts and not is_passed,
    )


def can_review(user, attempt: QuizAttempt) -> bool:
    """Tell whether ``user`` may see ``attempt``: its learner, their cohorts' managers, admins."""
    return can_view_learner(get_session(), user, attempt.user_id)
