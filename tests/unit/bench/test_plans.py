from __future__ import annotations

from bench.benchmarks.growth_plans import sorting_index
from bench.plans import equality_fields, explainable, index_provides_sort, summarise_plan

SORT = [("next_clinical_due_date", 1), ("_id", 1)]


def test_an_equality_prefix_then_the_sort_fields_provides_the_sort() -> None:
    key = {"practice_id": 1, "next_clinical_due_date": 1, "_id": 1}

    assert index_provides_sort(key, ["practice_id"], SORT)


def test_an_index_walked_backwards_provides_the_reversed_sort() -> None:
    key = {"practice_id": 1, "next_clinical_due_date": -1, "_id": -1}

    assert index_provides_sort(key, ["practice_id"], SORT)


def test_indexes_that_cannot_give_the_order_are_refused() -> None:
    unique_phone = {"practice_id": 1, "phone_e164": 1}
    with_risk = {"practice_id": 1, "risk_category": 1, "next_clinical_due_date": 1, "_id": 1}
    mixed = {"practice_id": 1, "next_clinical_due_date": 1, "_id": -1}

    assert not index_provides_sort(unique_phone, ["practice_id"], SORT)
    assert not index_provides_sort(with_risk, ["practice_id"], SORT)
    assert not index_provides_sort(mixed, ["practice_id"], SORT)


def test_the_risk_index_serves_the_filtered_list() -> None:
    with_risk = {"practice_id": 1, "risk_category": 1, "next_clinical_due_date": 1, "_id": 1}

    assert index_provides_sort(with_risk, ["risk_category", "practice_id"], SORT)


def test_equality_fields_are_plain_values_and_eq_but_not_ranges_or_operators() -> None:
    query = {
        "practice_id": "prac_1",
        "risk_category": {"$eq": "diabetic"},
        "next_clinical_due_date": {"$lt": "2026-01-01"},
        "$or": [{"a": 1}],
    }

    assert equality_fields(query) == ["practice_id", "risk_category"]


def test_explainable_drops_session_and_cluster_fields_and_keeps_order() -> None:
    command = {"find": "patients", "filter": {}, "lsid": {"id": 1}, "$db": "x", "limit": 5}

    assert list(explainable(command)) == ["find", "filter", "limit"]


def test_summarise_plan_reads_the_stage_chain_and_execution_stats() -> None:
    explained = {
        "queryPlanner": {
            "winningPlan": {
                "stage": "SORT",
                "limitAmount": 100,
                "inputStage": {
                    "stage": "FETCH",
                    "inputStage": {
                        "stage": "IXSCAN",
                        "indexName": "practice_due_id",
                        "keyPattern": {"practice_id": 1},
                    },
                },
            }
        },
        "executionStats": {
            "nReturned": 100,
            "totalKeysExamined": 1000,
            "totalDocsExamined": 1000,
            "executionTimeMillis": 40,
        },
    }

    summary = summarise_plan(explained)

    assert summary["stages"] == "SORT > FETCH > IXSCAN"
    assert summary["index"] == "practice_due_id"
    assert summary["blocking_sort"] is True
    assert summary["sort_limit"] == 100
    assert (summary["keys_examined"], summary["docs_examined"]) == (1000, 1000)


def test_summarise_plan_of_a_planner_only_explain_has_no_counts() -> None:
    summary = summarise_plan({"queryPlanner": {"winningPlan": {"stage": "COLLSCAN"}}})

    assert summary["stages"] == "COLLSCAN"
    assert summary["index"] is None
    assert summary["keys_examined"] is None


def test_the_declared_index_for_the_list_is_the_one_that_gives_its_order() -> None:

    listing = {"find": "patients", "filter": {"practice_id": "p"}, "sort": dict(SORT)}
    by_risk = {**listing, "filter": {"practice_id": "p", "risk_category": "diabetic"}}

    assert sorting_index(listing) == "practice_due_id"
    assert sorting_index(by_risk) == "practice_risk_due_id"
    assert sorting_index({**listing, "sort": {"first_name": 1}}) is None
