"""Summarise a py-spy folded profile (`py-spy record -f raw`): inclusive share per frame.

Usage: python -m bench.folded PROFILE [PATTERN ...]: with patterns, the share of samples whose
stack contains each pattern; without, the 30 frames with the largest inclusive share;
`--under PATTERN [DEPTH]`: what the first frame matching PATTERN spends its samples in.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path


def load(path: Path) -> list[tuple[list[str], int]]:
    stacks = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks.append((stack.split(";"), int(count)))
    return stacks


def shares(stacks: list[tuple[list[str], int]], patterns: list[str]) -> dict[str, float]:
    total = sum(count for _frames, count in stacks) or 1
    return {
        pattern: sum(count for frames, count in stacks if any(pattern in f for f in frames)) / total
        for pattern in patterns
    }


def top(stacks: list[tuple[list[str], int]], limit: int = 30) -> list[tuple[str, float]]:
    total = sum(count for _frames, count in stacks) or 1
    inclusive: Counter[str] = Counter()
    for frames, count in stacks:
        for frame in set(frames):
            inclusive[frame] += count
    return [(frame, count / total) for frame, count in inclusive.most_common(limit)]


def children(
    stacks: list[tuple[list[str], int]], pattern: str, depth: int = 1
) -> list[tuple[str, float]]:
    """The frames `depth` levels below the first frame matching `pattern`, by share of all."""
    total = sum(count for _frames, count in stacks) or 1
    below: Counter[str] = Counter()
    for frames, count in stacks:
        for index, frame in enumerate(frames):
            if pattern in frame:
                below[" > ".join(frames[index + 1 : index + 1 + depth]) or "(self)"] += count
                break
    return [(frame, count / total) for frame, count in below.most_common(25)]


def main() -> None:
    stacks = load(Path(sys.argv[1]))
    print(f"{sum(c for _f, c in stacks)} samples")
    if len(sys.argv) > 3 and sys.argv[2] == "--under":
        depth = int(sys.argv[4]) if len(sys.argv) > 4 else 1
        for frame, share in children(stacks, sys.argv[3], depth):
            print(f"{share:7.1%}  {frame}")
    elif len(sys.argv) > 2:
        for pattern, share in shares(stacks, sys.argv[2:]).items():
            print(f"{share:7.1%}  {pattern}")
    else:
        for frame, share in top(stacks):
            print(f"{share:7.1%}  {frame}")


if __name__ == "__main__":
    main()
