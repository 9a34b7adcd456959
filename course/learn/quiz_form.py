"""The form a quiz is taken in: one field per question, and reading it back strictly."""

from __future__ import annotations

import random

from werkzeug.datastructures import MultiDict
from wtforms.form import BaseForm

from course.content.model import Quiz
from course.content.question_types import AnswerError

# Keys every quiz form sends besides the answers.
FORM_KEYS = {"csrf_token", "attempt"}


def field_name(question_id: str) -> str:
    return f"q-{question_id}"


def build_quiz_form(quiz: Quiz, seed: str | None, formdata: MultiDict | None) -> BaseForm:
    """Build the quiz's form; with ``shuffle`` the seed fixes the order for one attempt."""
    rng = random.Random(seed) if quiz.shuffle and seed is not None else None  # noqa: S311  (order, not secrecy)
    fields = [
        (field_name(question.id), question.form_field(rng, f"Question {number}"))
        for number, question in enumerate(quiz.questions, start=1)
    ]
    form = BaseForm(fields)
    form.process(formdata)
    return form


def read_answers(quiz: Quiz, form: BaseForm, formdata: MultiDict) -> tuple[dict, list[str]]:
    """Return (answers by question id, ids left unanswered); AnswerError on anything forged."""
    expected = set(FORM_KEYS)
    for question in quiz.questions:
        expected |= question.field_names(field_name(question.id))
    unknown = sorted(set(formdata.keys()) - expected)
    if unknown:
        raise AnswerError(
            f"The form answers a question that is not in this quiz: '{unknown[0][:60]}'."
        )
    answers, missing = {}, []
    for question in quiz.questions:
        field = form[field_name(question.id)]
        answer = question.read_answer(field)
        if answer is None:
            missing.append(question.id)
        else:
            answers[question.id] = answer
    return answers, missing


def read_draft(quiz: Quiz, form: BaseForm, formdata: MultiDict) -> list[tuple[str, str]]:
    """Return the answer fields of a part-answered form to keep; AnswerError on anything forged.

    The same checks as a submission, except that questions may be left unanswered.
    """
    read_answers(quiz, form, formdata)
    return [
        (name, value)
        for name, value in formdata.items(multi=True)
        if name not in FORM_KEYS and value != ""
    ]


def draft_formdata(quiz: Quiz, fields: list[list[str]]) -> MultiDict:
    """Return a draft's saved fields that still fit the quiz, as form data to fill it with.

    A quiz edited since the draft was saved may have lost a question or an
    option: the answers to such a question are left out, the rest come back.
    """
    saved = MultiDict([(name, value) for name, value in fields])
    form = build_quiz_form(quiz, None, saved)
    kept = MultiDict()
    for question in quiz.questions:
        name = field_name(question.id)
        try:
            question.read_answer(form[name])
        except AnswerError:
            continue
        for key in sorted(question.field_names(name)):
            for value in saved.getlist(key):
                kept.add(key, value)
    return kept
