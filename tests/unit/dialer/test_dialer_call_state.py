import pytest

from sightsync.dialer.domain.call_state import (
    CallState,
    CallStatus,
    FailureReason,
    IllegalTransitionError,
    Outcome,
    Verdict,
    advance,
    check_transition,
    outcome_for_failure,
)

CALLING = CallStatus(CallState.CALLING)
RINGING = CallStatus(CallState.RINGING)
IN_PROGRESS = CallStatus(CallState.IN_PROGRESS)
COMPLETED = CallStatus(CallState.COMPLETED, outcome=Outcome.BOOKED)


def failed(reason: FailureReason) -> CallStatus:
    return CallStatus(CallState.FAILED, reason)


ALLOWED = [
    (CALLING, RINGING),
    (CALLING, IN_PROGRESS),
    (CALLING, failed(FailureReason.CANCELED)),
    (CALLING, failed(FailureReason.CARRIER_ERROR)),
    (CALLING, failed(FailureReason.BUSY)),
    (CALLING, failed(FailureReason.NO_ANSWER)),
    (RINGING, IN_PROGRESS),
    (RINGING, failed(FailureReason.NO_ANSWER)),
    (RINGING, failed(FailureReason.BUSY)),
    (RINGING, failed(FailureReason.CARRIER_ERROR)),
    (RINGING, failed(FailureReason.CANCELED)),
    (IN_PROGRESS, COMPLETED),
    (IN_PROGRESS, failed(FailureReason.VOICEMAIL)),
    (IN_PROGRESS, failed(FailureReason.CARRIER_ERROR)),
]

ILLEGAL = [
    (CALLING, COMPLETED),
    (CALLING, failed(FailureReason.VOICEMAIL)),
    (RINGING, CALLING),
    (RINGING, COMPLETED),
    (RINGING, failed(FailureReason.VOICEMAIL)),
    (IN_PROGRESS, CALLING),
    (IN_PROGRESS, RINGING),
    (IN_PROGRESS, failed(FailureReason.NO_ANSWER)),
    (IN_PROGRESS, failed(FailureReason.BUSY)),
    (IN_PROGRESS, failed(FailureReason.CANCELED)),
    (COMPLETED, IN_PROGRESS),
    (COMPLETED, failed(FailureReason.CARRIER_ERROR)),
    (failed(FailureReason.BUSY), RINGING),
    (failed(FailureReason.BUSY), IN_PROGRESS),
    (failed(FailureReason.BUSY), COMPLETED),
    (failed(FailureReason.BUSY), failed(FailureReason.NO_ANSWER)),
    (failed(FailureReason.NO_ANSWER), CALLING),
]

REPEATS = [
    CALLING,
    RINGING,
    IN_PROGRESS,
    COMPLETED,
    *(failed(reason) for reason in FailureReason),
]


@pytest.mark.parametrize(("current", "target"), ALLOWED, ids=str)
def test_allowed_transitions_advance(current: CallStatus, target: CallStatus) -> None:
    assert check_transition(current, target) is Verdict.ADVANCE
    assert advance(current, target) == target


@pytest.mark.parametrize(("current", "target"), ILLEGAL, ids=str)
def test_illegal_transitions_are_refused(current: CallStatus, target: CallStatus) -> None:
    assert check_transition(current, target) is Verdict.ILLEGAL
    with pytest.raises(IllegalTransitionError):
        advance(current, target)


@pytest.mark.parametrize("status", REPEATS, ids=str)
def test_a_repeated_status_is_a_harmless_no_op(status: CallStatus) -> None:
    assert check_transition(status, status) is Verdict.NO_OP
    assert advance(status, status) is status


def test_a_late_duplicate_completion_keeps_the_first_outcome() -> None:
    again = CallStatus(CallState.COMPLETED)

    assert check_transition(COMPLETED, again) is Verdict.NO_OP
    assert advance(COMPLETED, again).outcome is Outcome.BOOKED


def test_every_pair_of_states_has_a_verdict() -> None:
    statuses = [CALLING, RINGING, IN_PROGRESS, COMPLETED, *(failed(r) for r in FailureReason)]
    verdicts = {(a, b): check_transition(a, b) for a in statuses for b in statuses}

    advancing = {pair for pair, verdict in verdicts.items() if verdict is Verdict.ADVANCE}
    assert advancing == set(ALLOWED)


@pytest.mark.parametrize(
    ("state", "reason", "outcome"),
    [
        (CallState.FAILED, None, None),
        (CallState.RINGING, FailureReason.BUSY, None),
        (CallState.COMPLETED, FailureReason.BUSY, None),
        (CallState.IN_PROGRESS, None, Outcome.BOOKED),
        (CallState.FAILED, FailureReason.BUSY, Outcome.BUSY),
    ],
)
def test_inconsistent_statuses_cannot_be_built(
    state: CallState, reason: FailureReason | None, outcome: Outcome | None
) -> None:
    with pytest.raises(ValueError, match="only"):
        CallStatus(state, reason, outcome)


@pytest.mark.parametrize(
    ("reason", "outcome"),
    [
        (FailureReason.NO_ANSWER, Outcome.NO_ANSWER),
        (FailureReason.BUSY, Outcome.BUSY),
        (FailureReason.VOICEMAIL, Outcome.VOICEMAIL),
        (FailureReason.CARRIER_ERROR, Outcome.FAILED),
        (FailureReason.CANCELED, Outcome.FAILED),
    ],
)
def test_failures_map_to_recall_outcomes(reason: FailureReason, outcome: Outcome) -> None:
    assert outcome_for_failure(reason) is outcome
    assert failed(reason).final_outcome is outcome


def test_final_states_and_outcomes() -> None:
    assert COMPLETED.is_final and COMPLETED.final_outcome is Outcome.BOOKED
    assert failed(FailureReason.BUSY).is_final
    assert not RINGING.is_final and RINGING.final_outcome is None
    assert str(failed(FailureReason.BUSY)) == "failed(busy)"


def test_enum_values_are_the_wire_spellings() -> None:
    assert [s.value for s in CallState] == [
        "calling", "ringing", "in_progress", "completed", "failed",
    ]  # fmt: skip
    assert {o.value for o in Outcome} == {
        "booked", "declined", "callback_requested", "opted_out",
        "no_answer", "busy", "voicemail", "failed",
    }  # fmt: skip
