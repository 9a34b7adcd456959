"""A large course written the way authors write one, for the start-up and ``course check`` figures.

Lessons carry front matter, headings, lists, a table, a callout, a footnote
and links to other items; quizzes mix every question type with feedback and
explanations. The text is varied per file (seeded), so no two files parse alike.
"""

from __future__ import annotations

import random
from pathlib import Path

VOCABULARY = (
    "product team roadmap launch release checklist customer interview research metric "
    "stakeholder backlog sprint feature design engineering support feedback onboarding "
    "churn pricing experiment hypothesis dashboard decision priority tradeoff scope "
    "timeline handoff review retrospective document template calendar mentor project "
    "capstone insight evidence survey usage funnel conversion segment persona workflow "
    "dependency risk status update meeting agenda owner partner leadership goal outcome "
    "quality schedule vendor contract budget analytics report summary question answer"
)
WORDS = VOCABULARY.split()
TOPICS = (
    "Working with engineering",
    "Reading the data",
    "Running a release",
    "Talking to customers",
    "Writing it down",
    "Setting priorities",
    "Owning the calendar",
    "Learning on the job",
    "Shipping a capstone",
    "Keeping stakeholders close",
)


def write_course(folder: Path, modules: int = 20, per_module: int = 10, seed: int = 10) -> Path:
    """Write ``modules`` modules of ``per_module`` lessons and as many quizzes into ``folder``."""
    rng = random.Random(seed)  # text only, nothing secret
    (folder / "lessons").mkdir(parents=True)
    (folder / "quizzes").mkdir()
    outline = [
        "title: A generated course",
        "summary: |",
        f"  {sentence(rng)} Start with [the first lesson](lesson:{lesson_slug(1, 1)}).",
        "sequential: false",
        "modules:",
    ]
    for module in range(1, modules + 1):
        outline += [f"  - title: {TOPICS[module % len(TOPICS)]} {module}", "    items:"]
        for number in range(1, per_module + 1):
            slug, quiz = lesson_slug(module, number), quiz_slug(module, number)
            previous = lesson_slug(module, number - 1) if number > 1 else None
            (folder / "lessons" / f"{slug}.md").write_text(lesson_text(rng, previous, quiz))
            (folder / "quizzes" / f"{quiz}.yaml").write_text(quiz_text(rng, number))
            outline += [f"      - lesson: {slug}", f"      - quiz: {quiz}"]
    (folder / "lessons" / "course.yaml").write_text("\n".join(outline) + "\n")
    return folder


def lesson_slug(module: int, number: int) -> str:
    return f"m{module:02d}-lesson-{number:02d}"


def quiz_slug(module: int, number: int) -> str:
    return f"m{module:02d}-check-{number:02d}"


def words(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def sentence(rng: random.Random, low: int = 8, high: int = 18) -> str:
    text = words(rng, low, high)
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, sentences: int = 4) -> str:
    text = " ".join(sentence(rng) for _ in range(sentences))
    # Wrapped as authors wrap prose, so the Markdown has soft breaks to join.
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) > 78:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def title(rng: random.Random) -> str:
    return words(rng, 3, 6).capitalize()


def lesson_text(rng: random.Random, previous: str | None, quiz: str) -> str:
    """Return a lesson of about 4 kB, like the real course's."""
    back = f"as [the previous lesson](lesson:{previous}) showed" if previous else "to begin"
    parts = [
        "---",
        f"title: {title(rng)}",
        f"summary: {sentence(rng)}",
        f"minutes: {rng.randint(4, 12)}",
        "objectives:",
        *(f"  - {sentence(rng)[:-1]}" for _ in range(rng.randint(2, 4))),
        "---",
        "",
        paragraph(rng, 3),
        "",
        f"## {title(rng)}",
        "",
        paragraph(rng, 4),
        "",
        *(f"- {words(rng, 4, 10)};" for _ in range(4)),
        "",
        f"::: {rng.choice(['tip', 'note', 'warning', 'example'])}",
        sentence(rng),
        ":::",
        "",
        f"## {title(rng)}",
        "",
        "| Task | PM intern | Product coordinator |",
        "| --- | --- | --- |",
        *(f"| {title(rng)} | {words(rng, 2, 5)} | {words(rng, 2, 5)} |" for _ in range(5)),
        "",
        f"{paragraph(rng, 3)} This matters, {back}, for **{words(rng, 2, 3)}** and",
        f"*{words(rng, 2, 3)}* alike.[^why]",
        "",
        f"## {title(rng)}",
        "",
        *(f"{step}. {sentence(rng)}" for step in range(1, 5)),
        "",
        paragraph(rng, 4),
        "",
        f"When you are ready, [check what you learned](quiz:{quiz}).",
        "",
        f"[^why]: {sentence(rng)}",
        "",
    ]
    return "\n".join(parts)


def quiz_text(rng: random.Random, number: int) -> str:
    """Return a quiz of six questions covering every question type."""
    lines = [
        "kind: quiz",
        f"title: Check — {title(rng)}",
        "intro: |",
        f"  {sentence(rng)} You need 70% to pass.",
        "pass_mark: 70",
    ]
    if number % 3 == 0:
        lines.append("max_attempts: 3")
    if number % 2 == 0:
        lines.append("shuffle: true")
    lines.append("questions:")
    for kind in ("single", "multiple", "true_false", "classify", "single", "true_false"):
        lines += QUESTION_WRITERS[kind](rng, f"q{len(lines)}")
    return "\n".join(lines) + "\n"


def _single(rng: random.Random, question_id: str) -> list[str]:
    lines = [
        f"  - id: {question_id}",
        "    type: single",
        f"    prompt: {sentence(rng)[:-1]}?",
        "    options:",
    ]
    right = rng.randrange(4)
    for option in range(4):
        lines += [f"      - id: option-{option}", f"        text: {sentence(rng, 5, 12)}"]
        if option == right:
            lines.append("        correct: true")
        else:
            lines.append(f"        feedback: {sentence(rng)}")
    return [*lines, "    explanation: |", f"      {sentence(rng)}", ""]


def _multiple(rng: random.Random, question_id: str) -> list[str]:
    lines = [
        f"  - id: {question_id}",
        "    type: multiple",
        "    partial: true",
        "    points: 2",
        f"    prompt: {sentence(rng)[:-1]}? Select all that apply.",
        "    options:",
    ]
    for option in range(5):
        lines += [f"      - id: pick-{option}", f"        text: {sentence(rng, 4, 10)}"]
        if option < 3:
            lines.append("        correct: true")
    return [*lines, ""]


def _true_false(rng: random.Random, question_id: str) -> list[str]:
    return [
        f"  - id: {question_id}",
        "    type: true_false",
        f"    prompt: {sentence(rng)}",
        f"    answer: {rng.choice(['true', 'false'])}",
        "    explanation: |",
        f"      {sentence(rng)}",
        "",
    ]


def _classify(rng: random.Random, question_id: str) -> list[str]:
    lines = [
        f"  - id: {question_id}",
        "    type: classify",
        "    points: 2",
        "    prompt: Who usually does each task?",
        "    categories:",
        "      - {id: intern, label: PM intern}",
        "      - {id: coordinator, label: Product coordinator}",
        "    items:",
    ]
    for item in range(4):
        category = "intern" if item % 2 else "coordinator"
        lines.append(f"      - {{id: task-{item}, text: {words(rng, 4, 8)}, category: {category}}}")
    return [*lines, ""]


QUESTION_WRITERS = {
    "single": _single,
    "multiple": _multiple,
    "true_false": _true_false,
    "classify": _classify,
}
