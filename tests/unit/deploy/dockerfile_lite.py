"""Reading a Dockerfile and a .dockerignore the way the Docker builder does, for offline tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Stage:
    base: str
    name: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for key, args in self.instructions if key == keyword]


def parse_stages(text: str) -> list[Stage]:
    """Build stages in order, each with its instructions as (KEYWORD, arguments)."""
    stages: list[Stage] = []
    for keyword, args in _instructions(text):
        if keyword == "FROM":
            base, _, name = args.partition(" AS ")
            stages.append(Stage(base=base.strip(), name=name.strip()))
        elif stages:
            stages[-1].instructions.append((keyword, args))
    return stages


def _instructions(text: str) -> list[tuple[str, str]]:
    logical: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        # Comments and blank lines end nothing, even inside a continued instruction.
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1].strip() + " "
            continue
        keyword, _, args = (pending + stripped).partition(" ")
        logical.append((keyword.upper(), args.strip()))
        pending = ""
    return logical


class DockerIgnore:
    """Docker's rule: the last pattern matching a path or any of its parents decides."""

    def __init__(self, text: str) -> None:
        self._patterns: list[tuple[bool, re.Pattern[str]]] = []
        for line in text.splitlines():
            pattern = line.strip()
            if not pattern or pattern.startswith("#"):
                continue
            negated = pattern.startswith("!")
            self._patterns.append((negated, _compile(pattern.lstrip("!").strip("/"))))

    def excludes(self, relative_path: str) -> bool:
        parts = relative_path.strip("/").split("/")
        prefixes = ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]
        excluded = False
        for negated, pattern in self._patterns:
            if any(pattern.fullmatch(prefix) for prefix in prefixes):
                excluded = not negated
        return excluded

    def files_under(self, root: Path, relative: str) -> list[str]:
        """Files below `relative` (a file or a folder) that reach the build context."""
        start = root / relative
        paths = [start] if start.is_file() else sorted(p for p in start.rglob("*") if p.is_file())
        names = [path.relative_to(root).as_posix() for path in paths]
        return [name for name in names if not self.excludes(name)]


def _compile(pattern: str) -> re.Pattern[str]:
    regex = ""
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            regex += "(?:.*/)?"
            index += 3
        elif pattern.startswith("**", index):
            regex += ".*"
            index += 2
        elif pattern[index] == "*":
            regex += "[^/]*"
            index += 1
        elif pattern[index] == "?":
            regex += "[^/]"
            index += 1
        else:
            regex += re.escape(pattern[index])
            index += 1
    return re.compile(regex)
