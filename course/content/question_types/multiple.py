"""``multiple``: pick every right option; all-or-nothing unless ``partial: true``."""

from __future__ import annotations

from dataclasses import dataclass

from wtforms import SelectChoice, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from course.content.fields import read_boolean
from course.content.question_types.base import (
    AnswerError,
    Option,
    Question,
    fraction_grade,
    option_review,
    option_summary,
    ordered,
    parse_options,
    register,
)


@register
@dataclass(frozen=True, kw_only=True)
class MultipleChoice(Question):
    """A question answered by every right option; any number of options are correct."""

    type = "multiple"
    keys = ("options", "partial")
    instruction = "choose all that apply"

    options: tuple[Option, ...]
    partial: bool = False

    @classmethod
    def parse(cls, raw, common, source, where):
        partial = read_boolean(source, raw, "partial", where, default=False)
        options = parse_options(source, raw, where)
        if options is None:
            return None
        if not any(option.correct for option in options):
            source.problem(
                raw.line_of("options"),
                f"{where} is 'multiple' and needs at least one correct option",
            )
            return None
        return cls(options=options, partial=bool(partial), **common)

    def grade(self, answer):
        if not isinstance(answer, set | frozenset):
            return fraction_grade(self, 0.0)
        correct_ids = {option.id for option in self.options if option.correct}
        incorrect_ids = {option.id for option in self.options if not option.correct}
        right_picks = len(correct_ids & answer)
        wrong_picks = len(incorrect_ids & answer)
        if not self.partial:
            is_exact = right_picks == len(correct_ids) and wrong_picks == 0
            return fraction_grade(self, 1.0 if is_exact else 0.0)
        return fraction_grade(self, (right_picks - wrong_picks) / len(correct_ids))

    def form_field(self, rng, label):
        return SelectMultipleField(
            label,
            choices=[SelectChoice(o.id, o.text) for o in ordered(self.options, rng)],
            widget=ListWidget(prefix_label=False),
            option_widget=CheckboxInput(),
        )

    def read_answer(self, field):
        picked = {value for value in field.raw_data or [] if value != ""}
        if not picked:
            return None
        unknown = sorted(picked - {option.id for option in self.options})
        if unknown:
            raise AnswerError(f"'{unknown[0][:40]}' is not an option of this question.")
        return frozenset(picked)

    def answer_to_json(self, answer):
        return sorted(answer) if answer is not None else None

    def review(self, answer, grade):
        return option_review(self, self.options, set(answer or ()))

    def summarise(self, answers):
        return option_summary(self.options, [set(a) for a in answers if isinstance(a, list)])

    def pick_answer(self, is_right, rng):
        picked = {
            option.id
            for option in self.options
            if (option.correct and (is_right or rng.random() < 0.6))
            or (not option.correct and not is_right and rng.random() < 0.35)
        }
        return frozenset(picked or {self.options[0].id})
