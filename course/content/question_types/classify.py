"""``classify``: put each item in a category; points for the share placed right."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from wtforms import Form, FormField, SelectChoice, SelectField

from course.content.fields import (
    check_keys,
    check_unique,
    mapping_items,
    read_identifier,
    read_list,
    read_text,
)
from course.content.question_types.base import (
    AnswerError,
    Question,
    ResponseCount,
    fraction_grade,
    ordered,
    register,
    review_base,
)

CATEGORY_KEYS = ("id", "label")
CLASSIFY_ITEM_KEYS = ("id", "text", "category")
PLACEHOLDER = ("", "Choose a category")


@dataclass(frozen=True)
class Category:
    """A category of a ``classify`` question."""

    id: str
    label: str


@dataclass(frozen=True)
class ClassifyItem:
    """An item of a ``classify`` question and the category it belongs to."""

    id: str
    text: str
    category: str


@register
@dataclass(frozen=True, kw_only=True)
class Classify(Question):
    """A question whose items each belong in one of its categories."""

    type = "classify"
    keys = ("categories", "items")

    categories: tuple[Category, ...]
    items: tuple[ClassifyItem, ...]

    @classmethod
    def parse(cls, raw, common, source, where):
        problems_before = len(source.problems)
        categories = cls._parse_categories(source, raw, where)
        items = cls._parse_items(source, raw, where, categories)
        if len(source.problems) > problems_before or categories is None or items is None:
            return None
        return cls(categories=categories, items=items, **common)

    @staticmethod
    def _parse_categories(source, raw, where) -> tuple[Category, ...] | None:
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

    @staticmethod
    def _parse_items(source, raw, where, categories) -> tuple[ClassifyItem, ...] | None:
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

    def grade(self, answer):
        if not isinstance(answer, Mapping) or not self.items:
            return fraction_grade(self, 0.0)
        placed_right = sum(answer.get(item.id) == item.category for item in self.items)
        return fraction_grade(self, placed_right / len(self.items))

    def form_field(self, rng, label):
        choices = [SelectChoice(*PLACEHOLDER)] + [
            SelectChoice(c.id, c.label) for c in self.categories
        ]
        fields = {
            item.id: SelectField(item.text, choices=choices, validate_choice=False)
            for item in ordered(self.items, rng)
        }
        return FormField(type("ClassifyForm", (Form,), fields), label, separator="-")

    def field_names(self, name):
        return {f"{name}-{item.id}" for item in self.items}

    def read_answer(self, field):
        placed = {}
        category_ids = {category.id for category in self.categories}
        for item in self.items:
            subfield = field[item.id]
            raw = subfield.raw_data or []
            if len(raw) > 1:
                raise AnswerError("An item was placed in several categories at once.")
            if not raw or raw[0] == "":
                continue
            if raw[0] not in category_ids:
                raise AnswerError(f"'{raw[0][:40]}' is not a category of this question.")
            placed[item.id] = raw[0]
        return placed if len(placed) == len(self.items) else None

    def review(self, answer, grade):
        labels = {category.id: category.label for category in self.categories}
        answer = answer or {}
        rows = [
            {
                "label": item.text,
                "given": labels.get(answer.get(item.id), ""),
                "expected": labels[item.category],
                "is_right": answer.get(item.id) == item.category,
            }
            for item in self.items
        ]
        return review_base(self, rows)

    def summarise(self, answers):
        labels = {category.id: category.label for category in self.categories}
        placed = [a for a in answers if isinstance(a, Mapping)]
        return [
            ResponseCount(
                f"{item.text} → {labels[category.id]}",
                sum(a.get(item.id) == category.id for a in placed),
                item.category == category.id,
            )
            for item in self.items
            for category in self.categories
        ]

    def pick_answer(self, is_right, rng):
        placed = {}
        for item in self.items:
            if is_right or rng.random() < 0.5:
                placed[item.id] = item.category
            else:
                others = [c.id for c in self.categories if c.id != item.category]
                placed[item.id] = rng.choice(others)
        return placed
