from __future__ import annotations

from bench.profile import frame_name, top_functions


def test_frame_name_drops_line_numbers_and_long_paths() -> None:
    frame = (
        "page (/work/main/services/compliance/src/sightsync/compliance/adapters/patients.py:112)"
    )

    assert frame_name(frame) == "page (adapters/patients.py)"


def test_frame_name_leaves_unusual_frames_alone() -> None:
    assert frame_name("<native>") == "<native>"


def test_top_functions_counts_self_and_inclusive_time_without_the_trunk() -> None:
    collapsed = "\n".join(
        [
            "run (asyncio/base.py:1);handle (app/http.py:10);dumps (json/encoder.py:5) 5",
            "run (asyncio/base.py:1);handle (app/http.py:12);find (db/query.py:9) 2",
            "run (asyncio/base.py:1);select (selectors.py:3) 3",
            "not a sample line",
        ]
    )

    top = top_functions(collapsed)

    assert top["samples"] == 10
    assert top["self"][0] == ["dumps (json/encoder.py)", 0.5]
    inclusive = dict(top["inclusive"])
    assert "run (asyncio/base.py)" not in inclusive
    assert inclusive["handle (app/http.py)"] == 0.7


def test_top_functions_of_no_samples_is_empty() -> None:
    assert top_functions("") == {"samples": 0, "self": [], "inclusive": []}
