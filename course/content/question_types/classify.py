"""``classify``: put each item in a category; points for the share placed right."""

from __future__ import annotations

from collections.abc import Mapping

from wtforms import Form, FormField, SelectChoice, SelectField

from course.content.fields import (
    check_keys,
    check_unique,
    mapping_items,
    read_identifier,
    read_list,
    read_text,
)
from course.content.model import Category, ClassifyItem, Question
from course.content.question_types.base import (
    AnswerError,
    QuestionType,
    ResponseCount,
    fraction_grade,
    ordered,
    review_base,
)

CATEGORY_KEYS = ("id", "label")
CLASSIFY_ITEM_KEYS = ("id", "text", "category")
PLACEHOLDER = ("", "Choose a category")


class Classify(QuestionType):
    name = "classify"
    keys = ("categories", "items")

    def parse(self, raw, common, source, where):
        problems_before = len(source.problems)
        categories = self._parse_categories(source, raw, where)
        items = self._parse_items(source, raw, where, categories)
        if len(source.problems) > problems_before or categories is None or items is None:
            return None
        return Question(type=self.name, categories=categories, items=items, **common)

    def _parse_categories(self, source, raw, where) -> tuple[Category, ...] | None:
        categories_list = read_list(source, raw, "categories", where)
        if categories_list is None:
            return None
        if len(categories_list) < 2:
            source.problem(raw.line_of("categories"), f"{where} needs at least two categories")
        categories, seen = [], {}
        for position, category_raw in mapping_items(
            source, categories_list, f"the categories of {where}"
        ):
            category_where = f"category {position} of {where}"
            check_keys(source, category_raw, CATEGORY_KEYS, category_where)
            category_id = read_identifier(source, category_raw, "id", category_where)
            label = read_text(source, category_raw, "label", category_where)
            if category_id is not None:
                line = category_raw.line_of("id")
                check_unique(source, seen, category_id, line, "category id", where)
            if category_id is not None and label is not None:
                categories.append(Category(category_id, label))
        return tuple(categories)

    def _parse_items(self, source, raw, where, categories) -> tuple[ClassifyItem, ...] | None:
        items_list = read_list(source, raw, "items", where)
        if items_list is None:
            return None
        category_ids = [category.id for category in categories or ()]
        items, seen = [], {}
        for position, item_raw in mapping_items(source, items_list, f"the items of {where}"):
            item_where = f"item {position} of {where}"
            check_keys(source, item_raw, CLASSIFY_ITEM_KEYS, item_where)
            item_id = read_identifier(source, item_raw, "id", item_where)
            text = read_text(source, item_raw, "text", item_where)
            category = read_text(source, item_raw, "category", item_where)
            if item_id is not None:
                check_unique(source, seen, item_id, item_raw.line_of("id"), "item id", where)
            if category is not None and categories is not None and category not in category_ids:
                source.problem(
                    item_raw.line_of("category"),
                    f"{item_where} names category '{category}', which is not "
                    f"defined; the categories are: {', '.join(category_ids) or 'none'}",
                )
            if item_id is not None and text is not None and category is not None:
                items.append(ClassifyItem(item_id, text, category))
        return tuple(items)

    def grade(self, question, answer):
        if not isinstance(answer, Mapping) or not question.items:
            return fraction_grade(question, 0.0)
        placed_right = sum(answer.get(item.id) == item.category for item in question.items)
        return fraction_grade(question, placed_right / len(question.items))

    def form_field(self, question, rng, label):
        choices = [SelectChoice(*PLACEHOLDER)] + [
            SelectChoice(c.id, c.label) for c in question.categories
        ]
        fields = {
            item.id: SelectField(item.text, choices=choices, validate_choice=False)
            for item in ordered(question.items, rng)
        }
        return FormField(type("ClassifyForm", (Form,), fields), label, separator="-")

    def field_names(self, question, name):
        return {f"{name}-{item.id}" for item in question.items}

    def read_answer(self, question, field):
        placed = {}
        category_ids = {category.id for category in question.categories}
        for item in question.items:
            subfield = field[item.id]
            raw = subfield.raw_data or []
            if len(raw) > 1:
                raise AnswerError("An item was placed in several categories at once.")
            if not raw or raw[0] == "":
                continue
            if raw[0] not in category_ids:
                raise AnswerError(f"'{raw[0][:40]}' is not a category of this question.")
            placed[item.id] = raw[0]
        return placed if len(placed) == len(question.items) else None

    def review(self, question, answer, grade):
        labels = {category.id: category.label for category in question.categories}
        answer = answer or {}
        rows = [
            {
                "label": item.text,
                "given": labels.get(answer.get(item.id), ""),
                "expected": labels[item.category],
                "is_right": answer.get(item.id) == item.category,
            }
            for item in question.items
        ]
        return review_base(question, "pairs", rows)

    def summarise(self, question, answers):
        labels = {category.id: category.label for category in question.categories}
        placed = [a for a in answers if isinstance(a, Mapping)]
        return [
            ResponseCount(
                f"{item.text} → {labels[category.id]}",
                sum(a.get(item.id) == category.id for a in placed),
                item.category == category.id,
            )
            for item in question.items
            for category in question.categories
        ]
