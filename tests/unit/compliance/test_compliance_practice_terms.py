import pytest

from sightsync.compliance.domain.plans import Plan
from sightsync.compliance.domain.practice import (
    CallerIdProblem,
    effective_monthly_limit,
    limit_override_after,
    normalise_caller_id,
)


def test_without_an_override_the_limit_is_the_plans_allowance() -> None:
    assert [effective_monthly_limit(plan, None) for plan in Plan] == [300, 750, 2000]
    assert effective_monthly_limit(Plan.STARTER, 40) == 40


def test_an_explicit_limit_survives_a_plan_change() -> None:
    assert limit_override_after(Plan.GROUP, current=500, requested=None) == 500


def test_no_override_means_the_limit_follows_the_new_plan() -> None:
    assert limit_override_after(Plan.GROUP, current=None, requested=None) is None


def test_asking_for_the_plans_own_allowance_clears_the_override() -> None:
    assert limit_override_after(Plan.PRACTICE, current=500, requested=750) is None
    assert limit_override_after(Plan.PRACTICE, current=None, requested=0) == 0


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("020 7946 0123", "+442079460123"),
        ("07700 900123", "+447700900123"),
        ("0306 999 0123", "+443069990123"),
    ],
)
def test_geographic_mobile_and_03_caller_ids_are_stored_as_e164(raw: str, e164: str) -> None:
    assert normalise_caller_id(raw) == e164


@pytest.mark.parametrize("raw", ["0909 879 0000", "0800 123 4567", "+33 1 42 68 53 00", "nope"])
def test_caller_ids_patients_cannot_ring_back_are_problems_naming_the_field(raw: str) -> None:
    problem = normalise_caller_id(raw)

    assert isinstance(problem, CallerIdProblem)
    assert problem.message.startswith("caller_id ")
    assert raw not in problem.message
