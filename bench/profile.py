"""Where the time goes: py-spy samples of chosen processes while a load runs (`--profile`).

py-spy reads a running interpreter's stacks from outside without pausing it
(`--nonblocking`), so a sampled process runs as it would otherwise, less the CPU py-spy
itself takes on the shared cores. Samples are reduced to the functions that were on top
of the stack most often (self time) and those that were anywhere on it (inclusive time).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

RATE_HZ = 50
TOP = 12
TRUNK_SHARE = 0.8
# Frames that only say "a thread or an event loop is running": never the answer.
_PLUMBING = ("asyncio/", "threading.py", "<module>", "run_service (", "main (")
_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


def py_spy() -> str | None:
    """The py-spy executable: on PATH, or next to this interpreter (the venv's bin)."""
    found = shutil.which("py-spy")
    if found:
        return found
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else None


def frame_name(frame: str) -> str:
    """`function (path/to/module.py:42)` → `function (to/module.py)`: one name per function."""
    match = _FRAME.match(frame.strip())
    if match is None:
        return frame.strip()
    parts = Path(match.group("file")).parts
    return f"{match.group('function')} ({'/'.join(parts[-2:])})"


def top_functions(collapsed: str, top: int = TOP) -> dict[str, Any]:
    """Self and inclusive shares of the most sampled functions in py-spy's raw output.

    Each line of the raw (collapsed) format is `frame;frame;...;frame count`, outermost
    frame first.
    """
    self_time: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    samples = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [frame_name(frame) for frame in stack.split(";") if frame]
        if not frames:
            continue
        samples += count
        self_time[frames[-1]] += count
        for name in set(frames):
            inclusive[name] += count
    if not samples:
        return {"samples": 0, "self": [], "inclusive": []}
    # Frames on nearly every stack (the event loop, a thread's bootstrap) say nothing.
    branches = [
        (name, n)
        for name, n in inclusive.most_common()
        if n / samples < TRUNK_SHARE and not _plumbing(name)
    ]
    return {
        "samples": samples,
        "self": [[name, round(n / samples, 3)] for name, n in self_time.most_common(top)],
        "inclusive": [[name, round(n / samples, 3)] for name, n in branches[:top]],
    }


def _plumbing(name: str) -> bool:
    return any(marker in name for marker in _PLUMBING)


async def record(pids: dict[str, int], seconds: float, work_dir: Path) -> dict[str, Any]:
    """Sample each process for `seconds`; returns the top functions per process."""
    executable = py_spy()
    if executable is None:
        return {"error": "py-spy not found"}
    runs = {}
    for name, pid in pids.items():
        output = work_dir / f"profile-{name}-{pid}.txt"
        process = await asyncio.create_subprocess_exec(
            executable,
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(max(1, round(seconds))),
            "--rate",
            str(RATE_HZ),
            "--format",
            "raw",
            "--nonblocking",
            # Only the thread holding the GIL: what the process spends its CPU on, not
            # threads parked in a blocking read.
            "--gil",
            "--output",
            str(output),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        runs[name] = (process, output)
    results: dict[str, Any] = {}
    for name, (process, output) in runs.items():
        await process.wait()
        results[name] = (
            top_functions(output.read_text()) if output.exists() else {"error": "no samples"}
        )
    return results
