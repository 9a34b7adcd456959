"""``true_false``: say whether a statement is true."""

from __future__ import annotations

from dataclasses import dataclass

from wtforms import RadioField, SelectChoice

from course.content.fields import read_boolean
from course.content.question_types.base import (
    AnswerError,
    Question,
    ResponseCount,
    fraction_grade,
    register,
    review_base,
    single_value,
)

VALUES = {"true": True, "false": False}
LABELS = (("True", True), ("False", False))


@register
@dataclass(frozen=True, kw_only=True)
class TrueFalse(Question):
    """A statement the learner says is true or false."""

    type = "true_false"
    keys = ("answer",)

    answer: bool

    @classmethod
    def parse(cls, raw, common, source, where):
        answer = read_boolean(source, raw, "answer", where, default=None, required=True)
        if answer is None:
            return None
        return cls(answer=answer, **common)

    def grade(self, answer):
        is_right = isinstance(answer, bool) and answer == self.answer
        return fraction_grade(self, 1.0 if is_right else 0.0)

    def form_field(self, rng, label):
        return RadioField(
            label, choices=[SelectChoice("true", "True"), SelectChoice("false", "False")]
        )

    def read_answer(self, field):
        value = single_value(field)
        if value is None:
            return None
        if value not in VALUES:
            raise AnswerError("A true or false question takes true or false.")
        return VALUES[value]

    def review(self, answer, grade):
        rows = [
            {
                "label": label,
                "is_picked": answer is value,
                "is_expected": self.answer is value,
                "feedback_html": "",
            }
            for label, value in LABELS
        ]
        return review_base(self, rows)

    def summarise(self, answers):
        return [
            ResponseCount(label, sum(a is value for a in answers), self.answer is value)
            for label, value in LABELS
        ]

    def pick_answer(self, is_right, rng):
        return self.answer if is_right else not self.answer
