"""``single``: pick one option; exactly one is correct."""

from __future__ import annotations

from dataclasses import dataclass

from wtforms import RadioField, SelectChoice

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
    single_value,
)


@register
@dataclass(frozen=True, kw_only=True)
class SingleChoice(Question):
    """A question answered by one option; exactly one is correct."""

    type = "single"
    keys = ("options",)

    options: tuple[Option, ...]

    @classmethod
    def parse(cls, raw, common, source, where):
        options = parse_options(source, raw, where)
        if options is None:
            return None
        correct = sum(option.correct for option in options)
        if correct != 1:
            source.problem(
                raw.line_of("options"),
                f"{where} is 'single' and needs exactly one correct option, not {correct}",
            )
            return None
        return cls(options=options, **common)

    def option(self, option_id: str) -> Option | None:
        """Return the option with ``option_id``, or None."""
        return next((option for option in self.options if option.id == option_id), None)

    def grade(self, answer):
        option = self.option(answer) if isinstance(answer, str) else None
        return fraction_grade(self, 1.0 if option is not None and option.correct else 0.0)

    def form_field(self, rng, label):
        return RadioField(
            label, choices=[SelectChoice(o.id, o.text) for o in ordered(self.options, rng)]
        )

    def read_answer(self, field):
        value = single_value(field)
        if value is not None and self.option(value) is None:
            raise AnswerError(f"'{value[:40]}' is not an option of this question.")
        return value

    def review(self, answer, grade):
        return option_review(self, self.options, {answer} if answer else set())

    def summarise(self, answers):
        return option_summary(self.options, [{a} for a in answers if isinstance(a, str)])

    def pick_answer(self, is_right, rng):
        right = next(option for option in self.options if option.correct)
        wrong = [option for option in self.options if not option.correct]
        if is_right or not wrong:
            return right.id
        # The first distractor is the tempting one: most wrong answers pick it.
        return rng.choices(wrong, [3] + [1] * (len(wrong) - 1))[0].id
