"""``reflection``: the learner's own words, never graded; the review sets them beside a model."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar

from wtforms import TextAreaField

from course.content.fields import read_integer, read_markdown
from course.content.question_types.base import (
    AnswerError,
    Question,
    ResponseCount,
    fraction_grade,
    register,
    review_base,
)

# Far more than a reflection needs, far less than a request may carry: the textarea
# says so with maxlength, so only a forged form sends more.
MAX_CHARACTERS = 5000


def count_words(text: str) -> int:
    """Return how many words ``text`` has: runs of characters between spaces."""
    return len(text.split())


@register
@dataclass(frozen=True, kw_only=True)
class Reflection(Question):
    """A prompt answered in the learner's own words; worth no points, done when written."""

    type = "reflection"
    keys = ("min_words", "model_answer")
    max_characters: ClassVar[int] = MAX_CHARACTERS
    is_free_text: ClassVar[bool] = True

    min_words: int = 1
    model_answer_html: str = ""

    @classmethod
    def parse(cls, raw, common, source, where):
        problems_before = len(source.problems)
        if "points" in raw:
            source.problem(
                raw.line_of("points"),
                f"{where} is a reflection, which is never graded: remove its 'points'",
            )
        min_words = read_integer(source, raw, "min_words", where, minimum=1)
        model_answer_html = read_markdown(source, raw, "model_answer", where)
        if len(source.problems) > problems_before:
            return None
        return cls(
            **{**common, "points": 0.0},
            min_words=1 if min_words is None else min_words,
            model_answer_html=model_answer_html,
        )

    def grade(self, answer):
        return fraction_grade(self, 1.0)  # all of no points: nothing is ever missed

    def form_field(self, rng, label):
        return TextAreaField(label)

    def read_answer(self, field):
        raw = field.raw_data or []
        if len(raw) > 1:
            raise AnswerError("A reflection was sent twice.")
        text = raw[0].strip() if raw else ""
        if len(text) > MAX_CHARACTERS:
            raise AnswerError(f"A reflection is at most {MAX_CHARACTERS} characters.")
        # Too short counts as unanswered: the page comes back with the text kept.
        return text if count_words(text) >= self.min_words else None

    def too_few_words(self, text: str | None) -> int | None:
        """Return how many words ``text`` has when some were written but too few, else None."""
        words = count_words(text or "")
        return words if 0 < words < self.min_words else None

    def review(self, answer, grade):
        review = review_base(self, [{"given": answer or ""}])
        review["model_answer_html"] = self.model_answer_html
        return review

    def summarise(self, answers):
        written = [a for a in answers if isinstance(a, str)]
        return [ResponseCount("Wrote a reflection", len(written), True)]

    def pick_answer(self, is_right, rng):
        return _demo_reflection(max(self.min_words, 12))


@functools.cache  # the same few texts, asked for by every learner of a large demo
def _demo_reflection(length: int) -> str:
    words = ["I", "would", "start", "from", "what", "the", "team", "needs", "this", "week"]
    return " ".join(words[i % len(words)] for i in range(length))
