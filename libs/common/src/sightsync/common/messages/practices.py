"""Messages about practices, owned by compliance (the authority on plans and status)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from itertools import pairwise
from typing import Annotated, Any, ClassVar, Final, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import ErrorDetails

from sightsync.common.messages.base import Event, Request
from sightsync.common.messages.registry import register

Plan = Literal["starter", "practice", "group"]
SubscriptionStatus = Literal["active", "trialing", "past_due", "canceled"]
Nation = Literal["england", "wales", "scotland", "northern_ireland"]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

WEEKDAYS: Final[tuple[Weekday, ...]] = get_args(Weekday)

_HHMM: Final = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def _wall_time(value: str) -> str:
    if not _HHMM.fullmatch(value):
        raise ValueError(f"{value!r} is not a 24-hour HH:MM time such as 09:00")
    return value


def _opens_before_it_closes(span: tuple[str, str]) -> tuple[str, str]:
    opens, closes = span
    if opens >= closes:
        raise ValueError(f"opens at {opens} but closes at {closes}: it must open first")
    return span


def _no_overlaps(spans: list[tuple[str, str]]) -> list[tuple[str, str]]:
    ordered = sorted(spans)
    for (earlier_opens, earlier_closes), (later_opens, later_closes) in pairwise(ordered):
        if later_opens < earlier_closes:
            raise ValueError(
                f"{earlier_opens}-{earlier_closes} and {later_opens}-{later_closes} overlap"
            )
    return ordered


WallTime = Annotated[StrictStr, AfterValidator(_wall_time)]
OpeningSpan = Annotated[tuple[WallTime, WallTime], AfterValidator(_opens_before_it_closes)]
DaySpans = Annotated[list[OpeningSpan], AfterValidator(_no_overlaps)]


def _minutes(wall_time: str) -> int:
    hours, minutes = wall_time.split(":")
    return int(hours) * 60 + int(minutes)


class PracticeDiary(BaseModel):
    """A practice's diary layout: the `--diary` file, checked by compliance before it is kept.

    The dialer's own `DiarySettings` reads the same fields. A weekday left out of
    `opening_hours` is closed; spans are [opens, closes] in UK wall-clock time.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Declared before opening_hours so the span check below can see the slot length.
    slot_minutes: int = Field(default=30, ge=5, le=240, multiple_of=5, strict=True)
    clinicians: int = Field(default=1, ge=1, le=20, strict=True)
    lead_days: int = Field(default=1, ge=0, le=28, strict=True)
    opening_hours: dict[Weekday, DaySpans]

    @field_validator("opening_hours", mode="before")
    @classmethod
    def _lower_case_days(cls, value: object) -> object:
        # The dialer has always read "Monday" as "monday"; abbreviations stay refused.
        if not isinstance(value, Mapping):
            return value
        days: dict[object, object] = {}
        for day, spans in value.items():
            key = day.strip().lower() if isinstance(day, str) else day
            if key in days:
                raise ValueError(f"{key} is given more than once")
            days[key] = spans
        return days

    @field_validator("opening_hours")
    @classmethod
    def _whole_slots_on_an_open_day(
        cls, value: dict[Weekday, list[tuple[str, str]]], info: ValidationInfo
    ) -> dict[Weekday, list[tuple[str, str]]]:
        if not any(value.values()):
            raise ValueError("at least one weekday must have opening hours")
        # Absent when slot_minutes was itself refused; that error is reported instead.
        slot = info.data.get("slot_minutes")
        # A remainder shorter than a slot would never be offered, which is rarely what the
        # practice meant, so each opening must be a whole number of slots.
        for day, spans in value.items():
            for opens, closes in spans:
                if slot and (_minutes(closes) - _minutes(opens)) % slot:
                    raise ValueError(
                        f"{day} {opens}-{closes} is not a whole number of {slot}-minute slots"
                    )
        return {day: value[day] for day in WEEKDAYS if day in value}


class InvalidDiary(ValueError):
    """A diary that does not fit PracticeDiary: `field` is the first place at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def parse_diary(raw: object) -> PracticeDiary | None:
    """The diary `raw` describes, None for `{}` (no diary), or InvalidDiary naming the field."""
    # An empty object is how an operator goes back to the default layout.
    if isinstance(raw, Mapping) and not raw:
        return None
    try:
        return PracticeDiary.model_validate(raw)
    except ValidationError as error:
        problems = [_describe(problem) for problem in error.errors()]
    message = "; ".join(f"{field}: {text}" for field, text in problems)
    raise InvalidDiary(problems[0][0], message)


def _describe(problem: ErrorDetails) -> tuple[str, str]:
    parts = [str(part) for part in problem["loc"] if part != "[key]"]
    if problem["type"] == "extra_forbidden":
        known = ", ".join(PracticeDiary.model_fields)
        return _field(parts), f"is not a diary setting (the settings are {known})"
    in_a_span = len(parts) >= 3 and parts[0] == "opening_hours"
    if in_a_span and problem["type"] in {"missing", "too_long"}:
        return _field(parts[:3]), 'an opening is two times, opens and closes: ["09:00", "17:30"]'
    return _field(parts), str(problem["msg"]).removeprefix("Value error, ")


def _field(parts: list[str]) -> str:
    return ".".join(["diary", *parts])


class PracticeUpdated(Event):
    """A practice was created or changed; carries its whole current state."""

    message_type: ClassVar[str] = "practice.updated"

    practice_id: str
    name: str
    plan: Plan
    monthly_limit: int
    allow_overage: bool
    status: SubscriptionStatus
    nation: Nation
    caller_id: str | None
    # A PracticeDiary as JSON. It stays a plain object because a practice stored before
    # diaries were checked may hold one that does not parse, and its other changes must
    # still reach the dialer, which falls back to its default layout for such a diary.
    diary: dict[str, Any] | None = None
    revision: int


register(PracticeUpdated)


class PracticeView(BaseModel):
    """A practice as operators see it."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    plan: Plan
    monthly_limit: int
    allow_overage: bool
    status: SubscriptionStatus
    nation: Nation
    caller_id: str | None
    diary: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime


class CreatePractice(Request):
    """Create a practice; `monthly_limit` defaults to the plan's allowance. Replies PracticeView."""

    message_type: ClassVar[str] = "practice.create"
    owner: ClassVar[str] = "compliance"

    name: str = Field(min_length=1, max_length=200)
    plan: Plan = "starter"
    monthly_limit: int | None = Field(default=None, ge=0)
    allow_overage: bool = False
    status: SubscriptionStatus = "active"
    nation: Nation = "england"
    caller_id: str | None = None
    # Checked against PracticeDiary by compliance rather than typed here: a message that
    # fails to decode is parked without an answer, while a refusal names the bad field.
    diary: dict[str, Any] | None = None


class UpdatePractice(Request):
    """Change the given fields (None leaves a field as it is). Replies PracticeView."""

    message_type: ClassVar[str] = "practice.update"
    owner: ClassVar[str] = "compliance"

    practice_id: str
    name: str | None = Field(default=None, min_length=1, max_length=200)
    plan: Plan | None = None
    monthly_limit: int | None = Field(default=None, ge=0)
    allow_overage: bool | None = None
    status: SubscriptionStatus | None = None
    nation: Nation | None = None
    caller_id: str | None = None
    # As in CreatePractice; an empty object removes the diary, so calls use the default.
    diary: dict[str, Any] | None = None


class GetPractice(Request):
    """Replies PracticeView, or refuses with 404."""

    message_type: ClassVar[str] = "practice.get"
    owner: ClassVar[str] = "compliance"

    practice_id: str


class ListPractices(Request):
    """Replies {"practices": [PracticeView, ...]}."""

    message_type: ClassVar[str] = "practice.list"
    owner: ClassVar[str] = "compliance"


register(CreatePractice, UpdatePractice, GetPractice, ListPractices)
