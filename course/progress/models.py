"""What learners did, kept per learner and content slug (never a foreign key to content)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.db import Model, UTCDateTime


class LessonProgress(Model):
    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    lesson_slug: Mapped[str] = mapped_column(String(100))
    first_opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class QuizAttempt(Model):
    """One submitted attempt at a quiz, scored when it was submitted."""

    __tablename__ = "quiz_attempt"
    # The number makes a double submission of the same form collide instead of counting twice.
    __table_args__ = (UniqueConstraint("user_id", "quiz_slug", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    quiz_slug: Mapped[str] = mapped_column(String(100), index=True)
    content_version: Mapped[str] = mapped_column(String(64))
    number: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    points: Mapped[float]
    max_points: Mapped[float]
    score: Mapped[float]  # points / max_points, 0-1
    pass_mark: Mapped[int]  # the quiz's pass mark (percent) when submitted
    is_passed: Mapped[bool]

    answers: Mapped[list[QuizAnswer]] = relationship(
        back_populates="attempt", order_by="QuizAnswer.position", cascade="all, delete-orphan"
    )


class AttemptGrant(Model):
    """One more attempt at a quiz than its limit, given to a learner by a manager."""

    __tablename__ = "attempt_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    quiz_slug: Mapped[str] = mapped_column(String(100))
    # Kept when the manager's account goes: the grant still counts, by someone gone.
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QuizDraw(Model):
    """The questions one attempt at a quiz with ``sections`` gets, drawn when it is first shown.

    Kept from the first view to the submission (and after), so a reload or another
    device shows the same questions and the attempt is graded on them alone.
    """

    __tablename__ = "quiz_draw"
    __table_args__ = (UniqueConstraint("user_id", "quiz_slug", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    quiz_slug: Mapped[str] = mapped_column(String(100))
    number: Mapped[int]  # the attempt's number, as on QuizAttempt
    content_version: Mapped[str] = mapped_column(String(64))
    question_ids: Mapped[list[str]] = mapped_column(JSON)  # in the quiz's order
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QuizAnswer(Model):
    """One question of an attempt: what was asked, answered and awarded, as it was then."""

    __tablename__ = "quiz_answer"
    # The question analysis reads these columns of every answer of a cohort's attempts:
    # an index holding them all spares it the rows, whose frozen review makes them wide.
    # PostgreSQL cannot key an index on JSON, so there the columns are carried (INCLUDE).
    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id"),
        Index(
            "ix_quiz_answer_analysis",
            "attempt_id",
            "question_id",
            "question_version",
            "question_type",
            "points",
            "max_points",
            "answer",
            info={"dialect": "sqlite"},
        ).ddl_if(dialect="sqlite"),
        Index(
            "ix_quiz_answer_analysis",
            "attempt_id",
            postgresql_include=[
                "question_id",
                "question_version",
                "question_type",
                "points",
                "max_points",
                "answer",
            ],
            info={"dialect": "postgresql"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_attempt.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    question_id: Mapped[str] = mapped_column(String(100))
    question_type: Mapped[str] = mapped_column(String(32))
    # The question's own content version (``Question.version``) when answered; None for
    # answers from before versions were recorded, which count as one version.
    question_version: Mapped[str | None] = mapped_column(String(16))
    answer: Mapped[Any] = mapped_column(JSON)  # the ids given, in the type's own shape
    points: Mapped[float]
    max_points: Mapped[float]
    is_correct: Mapped[bool]
    # What the review shows, frozen at submission: later edits to the quiz file
    # never change how an old attempt reads or was scored. Kept once per distinct
    # review and shared by every answer that reads the same.
    review_id: Mapped[int] = mapped_column(ForeignKey("answer_review.id"))

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")
    # Loaded with the answer: every reader of an answer shows its review.
    frozen_review: Mapped[AnswerReview] = relationship(lazy="joined", innerjoin=True)

    @property
    def review(self) -> dict:
        return self.frozen_review.review


class AnswerReview(Model):
    """A review as a submission froze it, stored once for every answer that reads the same.

    A review is the question as it was asked, the answer and the feedback: every
    learner who gives the same answer to the same version of a question gets the
    same one, so a cohort's millions of answers share a few thousand. Found by a
    digest of its JSON (``course.progress.reviews``); never changed or deleted.
    """

    __tablename__ = "answer_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    review: Mapped[dict] = mapped_column(JSON)


class QuizDraft(Model):
    """Answers saved part-way through an attempt: never graded, replaced on save, gone on submit."""

    __tablename__ = "quiz_draft"
    # One draft per attempt: saving again replaces it (an upsert on these columns).
    __table_args__ = (UniqueConstraint("user_id", "quiz_slug", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    quiz_slug: Mapped[str] = mapped_column(String(100))
    number: Mapped[int]  # the attempt the answers are for
    content_version: Mapped[str] = mapped_column(String(64))
    # The form's answer fields as [name, value] pairs, checked against the quiz when saved;
    # kept as the form sent them so a half-placed classify question comes back half placed.
    fields: Mapped[list[list[str]]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())  # when the attempt was begun
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ScenarioRun(Model):
    """One play-through of a scenario, from the start to an ending (or not yet)."""

    __tablename__ = "scenario_run"
    __table_args__ = (UniqueConstraint("user_id", "scenario_slug", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    scenario_slug: Mapped[str] = mapped_column(String(100), index=True)
    content_version: Mapped[str] = mapped_column(String(64))
    number: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    current_step: Mapped[str | None] = mapped_column(String(100))  # None once ended
    ending_id: Mapped[str | None] = mapped_column(String(100))
    ending_title: Mapped[str | None] = mapped_column(String(200))
    ending_rating: Mapped[str | None] = mapped_column(String(16))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    points: Mapped[float] = mapped_column(default=0)
    max_points: Mapped[float]
    score: Mapped[float | None]  # points / max_points once finished
    pass_mark: Mapped[int | None]
    is_passed: Mapped[bool | None]
    # With ``shuffle: true``: step id -> its choice ids in the order this run shows
    # them, drawn once at the start so a reload or another device shows the same.
    choice_order: Mapped[dict[str, list[str]] | None] = mapped_column(JSON)

    choices: Mapped[list[ScenarioChoice]] = relationship(
        back_populates="run", order_by="ScenarioChoice.position", cascade="all, delete-orphan"
    )

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class ScenarioChoice(Model):
    """One decision in a run, with what the learner saw, in the order made."""

    __tablename__ = "scenario_choice"
    # One choice per position: a stale or repeated form cannot add a second.
    __table_args__ = (UniqueConstraint("run_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("scenario_run.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    step_id: Mapped[str] = mapped_column(String(100))
    choice_id: Mapped[str] = mapped_column(String(100))
    choice_text: Mapped[str] = mapped_column(Text)
    feedback_html: Mapped[str] = mapped_column(Text, default="")
    points: Mapped[float]
    rating: Mapped[str | None] = mapped_column(String(16))  # good | partial | poor, as shown
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime())

    run: Mapped[ScenarioRun] = relationship(back_populates="choices")


class LearningRecord(Model):
    """One learning event, shaped after an xAPI statement: who, verb, what, result, when."""

    __tablename__ = "learning_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    verb: Mapped[str] = mapped_column(String(32))
    object_kind: Mapped[str] = mapped_column(String(16))
    object_slug: Mapped[str] = mapped_column(String(100))
    object_part: Mapped[str | None] = mapped_column(String(100))  # a step, for a choice
    score: Mapped[float | None]
    is_success: Mapped[bool | None]
    is_completion: Mapped[bool | None]
    response: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Certificate(Model):
    """Proof that a learner completed the course, found by its public code."""

    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    # Copied when issued: the certificate says what was true on that day.
    learner_name: Mapped[str] = mapped_column(String(120))
    course_title: Mapped[str] = mapped_column(String(200))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CalendarFeed(Model):
    """A learner's private calendar feed of due dates, found by a hash of its token.

    The token is derived from the secret key, the learner's id and ``nonce``, so
    /progress can show the address again while the database keeps only its hash
    (a copy of the database alone reads nobody's calendar). A new ``nonce`` makes
    a new address and ends the old one.
    """

    __tablename__ = "calendar_feed"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    nonce: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class XapiDelivery(Model):
    """A learning record's way to the learning record store: claimed, then delivered.

    No row: not sent yet. A row without ``delivered_at`` is claimed by the one
    forwarder sending it (a claim older than the longest send belonged to one that
    died, and may be taken over); a failed send deletes its row, so the record waits
    for the next run. ``delivered_at`` is set only once the store accepted it.
    """

    __tablename__ = "xapi_delivery"

    learning_record_id: Mapped[int] = mapped_column(
        ForeignKey("learning_record.id", ondelete="CASCADE"), primary_key=True
    )
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SummaryOutlineItem(Model):
    """The outline the summaries were computed for: each item, whether required, its limit.

    The summaries below are written in SQL, by any process, from this table rather
    than from the catalog in memory; when the catalog's outline differs, the table is
    rewritten and every summary recomputed (``course.progress.summaries``).
    """

    __tablename__ = "summary_outline_item"

    item_kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    item_slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int]
    is_required: Mapped[bool]
    max_attempts: Mapped[int | None]  # a quiz's own limit, before grants


class ItemSummary(Model):
    """Where one learner stands on one item, written with every fact about it.

    Never edited by itself: the services that record learning recompute it from
    the facts in the same transaction, so it cannot disagree with them.
    """

    __tablename__ = "item_summary"
    # Clustered by learner on SQLite: a learner's rows are read together, and a
    # report reads a thousand learners' rows at a time. On PostgreSQL the key's
    # index carries what the cohort's CSV reads (``packed_item_summaries``), so it
    # is read from the index alone, not from a heap page per row.
    __table_args__ = (
        PrimaryKeyConstraint(
            "user_id",
            "item_kind",
            "item_slug",
            postgresql_include=["status", "best_score", "done_at"],
        ),
        Index(None, "item_kind", "item_slug", "user_id"),
        {"sqlite_with_rowid": False},
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    item_kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    item_slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # a ``Status`` value
    attempts: Mapped[int]  # lesson rows, quiz attempts or scenario runs
    granted: Mapped[int]  # extra quiz attempts managers gave
    best_score: Mapped[float | None]
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unfinished: Mapped[int]  # scenario runs not yet ended
    ending_title: Mapped[str | None] = mapped_column(String(200))


class LearnerSummary(Model):
    """One learner's figures for the course, and the inputs of each at-risk flag.

    Recomputed from the learner's ``ItemSummary`` rows whenever one of them is.
    A learner with no row has done nothing.
    """

    __tablename__ = "learner_summary"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    required_done: Mapped[int]
    percent: Mapped[int] = mapped_column(index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    out_of_attempts: Mapped[int]  # required quizzes with no attempt left and no pass


class MemberSummary(Model):
    """A joined cohort member's course figures, with what their cohort adds: for reports.

    The learner's ``LearnerSummary`` joined with their membership, their effective
    due date and their final quiz score, kept in one row per cohort and learner so
    a cohort's page counts, filters and sorts over one table, clustered by cohort,
    whatever its size. Dates are kept as day numbers (days since 1970-01-01, UTC),
    and so are the days from which the at-risk and overdue rules hold, so that the
    page counts those learners as index ranges.
    Rewritten with the learner's summary and whenever the membership, the due
    dates or the learner's name change (``course.progress.summaries``).
    """

    __tablename__ = "member_summary"
    __table_args__ = (
        # The matrix's sorts (name, progress, last activity) and the completions chart.
        Index("ix_member_summary_by_name", "cohort_id", "sort_name", "user_id"),
        Index("ix_member_summary_by_percent", "cohort_id", "percent", "sort_name", "user_id"),
        # With the percent, it alone answers how many never started and did not finish.
        Index(
            "ix_member_summary_by_activity",
            "cohort_id",
            "last_activity_at",
            "sort_name",
            "user_id",
            "percent",
        ),
        Index("ix_member_summary_by_completion", "cohort_id", "completed_day"),
        # The page's counts, each read from one of these alone, a range of the cohort's
        # entries: learners per percent (a narrower index than the sort's reads faster),
        # at risk and overdue by today, and who attempted the final quiz.
        Index("ix_member_summary_percent", "cohort_id", "percent"),
        Index("ix_member_summary_by_risk", "cohort_id", "at_risk_from_day"),
        Index("ix_member_summary_by_overdue", "cohort_id", "overdue_from_day"),
        Index("ix_member_summary_final_score", "cohort_id", "final_score"),
        Index("ix_member_summary_user_id", "user_id"),
        {"sqlite_with_rowid": False},
    )

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    sort_name: Mapped[str] = mapped_column(String(200))  # the name in lower case
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    percent: Mapped[int]
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    out_of_attempts: Mapped[int]
    final_score: Mapped[float | None]  # best score on the outline's final quiz, if attempted
    active_day: Mapped[int]  # the day of the last activity, or of joining when never active
    due_day: Mapped[int | None]  # their own due date if a manager set one, else the cohort's
    completed_day: Mapped[int | None]  # the day of ``completed_at``, for the completions chart
    # The first day the learner is at risk on, and is overdue on; NULL once they finish
    # (overdue: or without a due date). ``course.progress.risk`` computes both.
    at_risk_from_day: Mapped[int | None]
    overdue_from_day: Mapped[int | None]


class AnswerTally(Model):
    """A cohort's answers to one question of a quiz, summed per version and answer given.

    Written with the facts (``course.progress.answer_tallies``): when an attempt is
    submitted, and when a learner joins or leaves the cohort. The question analysis
    reads these few rows instead of every answer of the cohort. First attempts and
    later ones are summed apart, so "first attempts" is one set of rows and "all
    attempts" both.
    """

    __tablename__ = "answer_tally"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    quiz_slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    # "" for answers from before versions were recorded: a key column cannot be NULL.
    question_version: Mapped[str] = mapped_column(String(16), primary_key=True)
    # The stored answer as JSON text ("null" for none); a free-text answer counts only
    # as given or not, so its text is never kept here.
    answer: Mapped[str] = mapped_column(Text, primary_key=True)
    is_first: Mapped[bool] = mapped_column(primary_key=True)  # from attempts numbered 1
    responses: Mapped[int]
    graded: Mapped[int]  # the responses to a question worth points
    # x: the share of the question's points earned, y: the rest of the attempt's points.
    sum_x: Mapped[float]
    sum_y: Mapped[float]
    sum_xy: Mapped[float]
    sum_xx: Mapped[float]
    sum_yy: Mapped[float]
    first_answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AttemptTally(Model):
    """How many attempts a cohort's learners made at a quiz, first ones and later ones apart."""

    __tablename__ = "attempt_tally"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    quiz_slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    is_first: Mapped[bool] = mapped_column(primary_key=True)
    attempts: Mapped[int]
