"""The shipped course says things in its own words: nothing copied from the source article.

The article the course was written from sits in shared/seed beside the repository. Facts and
figures carry over; wording does not. Two measures, both over every text a learner reads
(lessons with their front matter, the outline, quizzes and scenarios):

- no run of eight or more words appears in the source as well;
- no sentence of the course is a close paraphrase of a source sentence: difflib's ratio on
  the two sentences' lowercased words stays below 0.7.
"""

import difflib
import re
from pathlib import Path

import yaml

from course.config import REPOSITORY_ROOT

SEED = Path(__file__).parents[2].parent / "shared" / "seed"
RUN = 8
SIMILAR = 0.7
# Below this many words a "sentence" is a heading, a label or a name ("Product coordinators"),
# which can only be said one way; copying of longer text is caught by the run of eight.
SHORTEST_SENTENCE = 5

WORD = re.compile(r"[a-z0-9$%]+(?:['\u2019][a-z]+)?")  # ' or a typographic apostrophe
SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+|\n\s*\n|\n(?=\s*(?:[-*]|\d+\.|#|\||:::)\s)")


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def sentences(text: str) -> list[str]:
    return [part for part in SENTENCE_END.split(text) if part.strip()]


def strings_in(value) -> list[str]:
    """Every string inside a YAML value: titles, prompts, options, feedback, debriefs."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings_in(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings_in(item)]
    return []


def course_texts() -> dict[str, list[str]]:
    """Each shipped file's readable texts, keyed by its path relative to the repository."""
    texts = {}
    for path in sorted((REPOSITORY_ROOT / "lessons").glob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        texts[f"lessons/{path.name}"] = [*strings_in(yaml.safe_load(front)), body]
    for path in [
        REPOSITORY_ROOT / "lessons" / "course.yaml",
        *sorted((REPOSITORY_ROOT / "quizzes").glob("*.yaml")),
    ]:
        key = path.relative_to(REPOSITORY_ROOT).as_posix()
        texts[key] = strings_in(yaml.safe_load(path.read_text(encoding="utf-8")))
    return texts


def source_text() -> str:
    files = sorted(SEED.glob("*.txt"))
    assert files, f"the source article should sit beside the repository, in {SEED}"
    return "\n\n".join(path.read_text(encoding="utf-8") for path in files)


def runs_of(tokens: list[str], length: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + length]) for i in range(len(tokens) - length + 1)}


def test_no_run_of_eight_words_is_copied_from_the_source():
    source_runs = set()
    for paragraph in source_text().split("\n"):
        source_runs |= runs_of(words(paragraph), RUN)
    copied = []
    for path, texts in course_texts().items():
        for text in texts:
            for run in runs_of(words(text), RUN) & source_runs:
                copied.append(f"{path}: {' '.join(run)}")
    assert not copied, "runs of eight words shared with the source:\n" + "\n".join(copied)


def test_no_sentence_closely_paraphrases_a_source_sentence():
    source_sentences = [words(s) for s in sentences(source_text())]
    source_sentences = [s for s in source_sentences if s]
    close = []
    for path, texts in course_texts().items():
        for text in texts:
            for sentence in sentences(text):
                mine = words(sentence)
                if len(mine) < SHORTEST_SENTENCE:
                    continue
                matcher = difflib.SequenceMatcher(autojunk=False)
                matcher.set_seq2(mine)
                for theirs in source_sentences:
                    matcher.set_seq1(theirs)
                    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
                        continue
                    ratio = matcher.ratio()
                    if ratio >= SIMILAR:
                        close.append(f"{path}: {ratio:.2f} {sentence.strip()!r}")
    assert not close, "sentences too close to a source sentence:\n" + "\n".join(close)


def test_the_measures_catch_copying():
    """Guard the measures themselves: a copied and a lightly edited sentence are both caught."""
    source = "Product coordinators are the glue that holds product work together."
    edited = "Product coordinators are the glue that holds the work together."
    assert runs_of(words(source), RUN) & runs_of(words(f"Indeed, {source}"), RUN)
    ratio = difflib.SequenceMatcher(None, words(source), words(edited)).ratio()
    assert ratio >= SIMILAR
