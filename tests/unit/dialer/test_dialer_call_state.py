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


VOICEMAIL = failed(FailureReason.VOICEMAIL)


def test_a_machine_report_before_the_patient_speaks_ends_the_call_as_voicemail() -> None:
    assert check_transition(IN_PROGRESS, VOICEMAIL, patient_engaged=False) is Verdict.ADVANCE
    assert advance(IN_PROGRESS, VOICEMAIL) == VOICEMAIL


@pytest.mark.parametrize("current", [IN_PROGRESS, COMPLETED], ids=str)
def test_a_machine_report_after_the_patient_engaged_is_overtaken(current: CallStatus) -> None:
    assert check_transition(current, VOICEMAIL, patient_engaged=True) is Verdict.OVERTAKEN
    assert advance(current, VOICEMAIL, patient_engaged=True) is current


@pytest.mark.parametrize("target", [COMPLETED, failed(FailureReason.CARRIER_ERROR)], ids=str)
def test_other_reports_still_end_an_engaged_call(target: CallStatus) -> None:
    assert check_transition(IN_PROGRESS, target, patient_engaged=True) is Verdict.ADVANCE


def test_a_repeated_machine_report_stays_a_no_op_once_the_patient_engaged() -> None:
    assert check_transition(VOICEMAIL, VOICEMAIL, patient_engaged=True) is Verdict.NO_OP


@pytest.mark.parametrize(("current", "target"), ILLEGAL, ids=str)
def test_engagement_only_changes_machine_reports(current: CallStatus, target: CallStatus) -> None:
    expected = Verdict.OVERTAKEN if target == VOICEMAIL else Verdict.ILLEGAL
    assert check_transition(current, target, patient_engaged=True) is expected
