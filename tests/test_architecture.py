"""The layout's promises: dependencies point one way, each concept has one room.

edu_platform (project-wide pieces) above lti above cohorts above interop above cases above
quizzes above signon: a lower layer never imports a higher one, `quizzes` never names `cases`
(by import, URL name or model string) nor `cohorts`, and the modules of `quizzes` import each
other without cycles (imports inside a function body are the deliberate exception: Celery tasks
load their services when they run).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LAYERS = ["signon", "quizzes", "cases", "interop", "cohorts", "lti", "edu_platform"]  # lowest first


def modules(package: str) -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def top_level_imports(path: Path) -> set[str]:
    """Modules imported at module level (not inside functions or TYPE_CHECKING blocks)."""
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for child in [node] if not isinstance(node, ast.If) else node.body:
            if isinstance(child, ast.Import):
                names |= {alias.name for alias in child.names}
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                names.add(child.module)
                names |= {f"{child.module}.{alias.name}" for alias in child.names}
    return names


def all_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", LAYERS[:-1])
def test_a_layer_never_imports_a_higher_one(layer):
    higher = LAYERS[LAYERS.index(layer) + 1 :]
    offenders = [
        f"{name} imports {imported}"
        for name, path in modules(layer).items()
        for imported in all_imports(path)
        if imported.split(".")[0] in higher
    ]
    assert offenders == []


def test_quizzes_never_names_cases():
    pattern = re.compile(r"""["'](cases\.|case-|case_)""")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in [
            *modules("quizzes").values(),
            *(ROOT / "templates" / "quizzes").rglob("*.html"),
        ]
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line) or re.search(r"\bfrom cases\b|\bimport cases\b", line)
    ]
    assert offenders == []


def test_quizzes_and_cases_never_name_cohorts():
    pattern = re.compile(r"""["']cohorts\.|\bfrom cohorts\b|\bimport cohorts\b""")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in [*modules("quizzes").values(), *modules("cases").values()]
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_the_modules_of_quizzes_import_each_other_without_cycles():
    graph = {
        name: {
            other
            for imported in top_level_imports(path)
            for other in modules("quizzes")
            if imported == other and other != name
        }
        for name, path in modules("quizzes").items()
    }
    cycles = []

    def visit(name: str, trail: list[str]) -> None:
        for other in graph[name]:
            if other in trail:
                cycles.append(" -> ".join([*trail[trail.index(other) :], other]))
            elif len(trail) < 25:
                visit(other, [*trail, other])

    for start in graph:
        visit(start, [start])
    # quizzes.models imports quizzes.reviews.models and quizzes.practice.models at its end, which
    # read Confidence, Attempt and Topic from it: Django's one way to keep an app's models in
    # several modules.
    allowed = {
        "quizzes.models -> quizzes.reviews.models -> quizzes.models",
        "quizzes.models -> quizzes.practice.models -> quizzes.models",
    }
    assert sorted(set(cycles) - allowed - {_rotate(c) for c in allowed}) == []


def _rotate(cycle: str) -> str:
    parts = cycle.split(" -> ")[:-1]
    rotated = parts[1:] + parts[:1]
    return " -> ".join([*rotated, rotated[0]])
