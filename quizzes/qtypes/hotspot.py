"""Image hotspot: click the right region of a figure, or choose it from a list (keyboard).

The content's `figure` carries the figure's size and its regions (polygons in the figure's own
coordinates), each marked correct or not. Learners see the regions under neutral letters
(Region A, B, ...) drawn on the figure beside each region, in an order shuffled once per attempt
(kept in the attempt's presentation, so it stays put across reloads), each with its
answer-neutral description for learners who cannot see the figure; never the educators' labels.
When the educator gave every region a text alternative for this question, learners may answer
from those words instead; the answer is the same region, graded the same way.
"""

from __future__ import annotations

import math
import random
import string
from collections.abc import Mapping
from typing import Any

from quizzes.content import FigureRef, QuestionContent, Region
from quizzes.qtypes.base import (
    Answer,
    AnswerError,
    GradeResult,
    Groups,
    PartFeedback,
    PartKind,
    QuestionKind,
    TokenGroups,
    as_id,
    refuse_unknown_keys,
    result,
    shuffled,
)

# A click this close to a region's edge (in figure units) is on the edge. Figures are hundreds
# of units wide, so this only absorbs floating-point noise, never a real miss.
_EDGE_TOLERANCE = 1e-9


class Hotspot(QuestionKind):
    name = "hotspot"
    label = "Image hotspot"
    widget_template = "quizzes/widgets/hotspot.html"
    parts = frozenset({"figure"})
    token_fields = {"region": "regions"}
    answer_schema = {
        "type": "object",
        "description": "A click in figure coordinates (`x`, `y`), or a region's token.",
        "properties": {
            "x": {"type": "number"},
            "y": {"type": "number"},
            "region": {"type": "string"},
        },
    }

    def validate(self, content: QuestionContent, raw: dict[Any, Any]) -> Answer:
        figure = _figure(content)
        refuse_unknown_keys(raw, {"x", "y", "region"})
        if "region" in raw:
            if "x" in raw or "y" in raw:
                raise AnswerError("region", "Send either a point or a region, not both.")
            region = as_id(raw["region"], "region", "Choose one of the figure's regions.")
            if region not in {r.id for r in figure.regions}:
                raise AnswerError("region", "That region is not part of this figure.")
            return Answer(type=self.name, region=region)
        return Answer(
            type=self.name,
            x=_coordinate(raw, "x", figure.width),
            y=_coordinate(raw, "y", figure.height),
        )

    def grade(self, content: QuestionContent, answer: Answer) -> GradeResult:
        """1 or 0.

        A click (x, y) is correct when it lies inside ANY region marked correct; edges and
        vertices count as inside, and concave regions are handled (`point_in_polygon`). A click
        inside a correct region is correct even if it also lies in an incorrect one. The
        keyboard answer {"region": id} is correct when that region is correct. Parts: one per
        region; `selected` when the click lies inside it (or it was the chosen region).
        """
        figure = _figure(content)
        if not any(r.correct for r in figure.regions):
            raise ValueError("hotspot figure has no correct region")
        selected = {r.id for r in figure.regions if _hits(r, answer)}
        right = any(r.correct for r in figure.regions if r.id in selected)
        parts = [
            PartFeedback(
                kind=PartKind.REGION,
                id=r.id,
                correct=r.correct if r.id in selected else (not r.correct or right),
                selected=r.id in selected,
                feedback=r.feedback,
                expected="A correct region" if r.correct else "Not a correct region",
            )
            for r in figure.regions
        ]
        return result(1 if right else 0, parts)

    def problems(self, content: QuestionContent) -> list[str]:
        figure = content.figure
        if figure is None:
            return ["An image hotspot question needs a figure."]
        problems = []
        for region in figure.regions:
            if len(region.points) < 3:
                problems.append(f'The region "{region.label}" needs at least three corners.')
            outside = [
                (x, y)
                for x, y in region.points
                if not (0 <= x <= figure.width and 0 <= y <= figure.height)
            ]
            if outside:
                problems.append(
                    f'The region "{region.label}" has corners outside the figure '
                    f"({figure.width:g} × {figure.height:g}): "
                    f"{outside[0][0]:g}, {outside[0][1]:g}."
                )
        if not any(region.correct for region in figure.regions):
            problems.append("Mark at least one region of the figure as correct.")
        return problems

    def publication_problems(self, content: QuestionContent) -> list[str]:
        figure = _figure(content)
        undescribed = [r.label for r in figure.regions if not r.description.strip()]
        if undescribed and not has_text_alternative(figure):
            return [
                "Describe every region of the figure in words for learners who cannot see it "
                f'(missing for "{undescribed[0]}"), or give every region a text alternative.'
            ]
        return []

    def key_answer(self, content: QuestionContent) -> Answer:
        key = next(region.id for region in _figure(content).regions if region.correct)
        return Answer(type=self.name, region=key)

    def key_lines(self, content: QuestionContent) -> list[str]:
        # Learners' words only: a region's label is for educators.
        figure = content.figure
        if figure is None:
            return []
        return [
            _learner_words(region, figure) or "The region outlined in green"
            for region in figure.regions
            if region.correct
        ]

    def groups(self, content: QuestionContent, *, shuffle: bool, rng: random.Random) -> Groups:
        # Always shuffled: the authored order of regions could hint at the key.
        return {"regions": shuffled([r.id for r in _figure(content).regions], rng)}

    def learner_view(self, content: QuestionContent, presentation: TokenGroups) -> dict[str, Any]:
        """The figure and its regions under the attempt's letters, in the attempt's order.

        Each region carries its letter, the point its letter is drawn at, and its words: the
        answer-neutral `description`, and the question's `alternative` when the question has a
        text alternative (then the descriptions are left out, since they would give it away).
        """
        figure = _figure(content)
        labels = region_labels(presentation)
        by_id = {region.id: region for region in figure.regions}
        alternative = has_text_alternative(figure)
        regions = []
        for token, region_id in presentation["regions"]:
            region = by_id[region_id]
            x, y = letter_point(region.points, figure.width, figure.height)
            regions.append(
                {
                    "id": token,
                    "label": labels[token],
                    "letter": labels[token].removeprefix("Region "),
                    "description": "" if alternative else region.description,
                    "alternative": region.alternative if alternative else "",
                    "points": [list(p) for p in region.points],
                    "letter_x": x,
                    "letter_y": y,
                }
            )
        return {
            "figure": {
                "id": figure.id,
                "width": figure.width,
                "height": figure.height,
                "alt_text": figure.alt_text,
                "caption": figure.caption,
                "letter_size": round(max(figure.width, figure.height) / 24, 1),
            },
            "regions": regions,
            "text_alternative": alternative,
        }

    def part_texts(
        self, content: QuestionContent, presentation: TokenGroups
    ) -> dict[tuple[str, int], str]:
        # Learners' words only: a region's label is for educators.
        labels = region_labels(presentation)
        names = {part_id: labels[token] for token, part_id in presentation.get("regions", [])}
        figure = content.figure
        if figure is None:
            return {}
        texts = {}
        for r in figure.regions:
            name = names.get(r.id, "A region")
            words = _learner_words(r, figure)
            texts[("region", r.id)] = f"{name}: {words}" if words else name
        return texts

    def feedback_extras(
        self, content: QuestionContent, presentation: TokenGroups, answer: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The figure with the key's regions and the student's click or chosen region marked."""
        tokens = {part_id: token for token, part_id in presentation.get("regions", [])}
        return {
            "hotspot": {
                "key": {tokens[r.id] for r in _figure(content).regions if r.correct},
                "chosen": tokens.get(answer.get("region")),
                "x": answer.get("x"),
                "y": answer.get("y"),
            }
        }

    def parse_form(self, presentation: TokenGroups, data: Any) -> dict[str, Any]:
        if data.get("region"):
            return {"region": data["region"]}
        try:
            x, y = float(data.get("x", "")), float(data.get("y", ""))
        except ValueError:
            raise AnswerError("region", "Click on the figure or choose a region.") from None
        if not (math.isfinite(x) and math.isfinite(y)):
            raise AnswerError("region", "Click on the figure or choose a region.")
        return {"x": x, "y": y}

    def form_state(self, presentation: TokenGroups, tokens: Mapping[str, Any]) -> dict[str, Any]:
        return {"region": tokens.get("region"), "x": tokens.get("x"), "y": tokens.get("y")}

    def posted_state(self, presentation: TokenGroups, data: Any) -> dict[str, Any]:
        return {"region": data.get("region"), "x": data.get("x"), "y": data.get("y")}


def region_labels(presentation: TokenGroups) -> dict[str, str]:
    """Neutral names for the regions of one attempt: Region A, Region B, ..."""
    letters = string.ascii_uppercase
    return {
        token: f"Region {letters[index % 26]}{'' if index < 26 else index // 26}"
        for index, (token, _part_id) in enumerate(presentation.get("regions", []))
    }


def has_text_alternative(figure: FigureRef) -> bool:
    """Whether the educator described every region in words for this question."""
    return bool(figure.regions) and all(r.alternative.strip() for r in figure.regions)


def _learner_words(region: Region, figure: FigureRef) -> str:
    return region.alternative if has_text_alternative(figure) else region.description


def letter_point(
    points: tuple[tuple[float, float], ...], width: float, height: float
) -> tuple[float, float]:
    """Where a region's letter is drawn: its centroid when that lies inside the region (convex
    and most concave shapes), else its first corner; kept a little inside the figure's edges so
    the letter is never cut off. Figure coordinates, rounded to 0.1."""
    if not points:
        return 0.0, 0.0
    cx, cy = _centroid(points)
    if not point_in_polygon(cx, cy, points):
        cx, cy = points[0]
    margin = max(width, height) / 30
    x = min(max(cx, margin), max(width - margin, margin))
    y = min(max(cy, margin), max(height - margin, margin))
    return round(x, 1), round(y, 1)


def _centroid(points: tuple[tuple[float, float], ...]) -> tuple[float, float]:
    """The area centroid of a simple polygon (shoelace); the corners' mean when it has no area."""
    n = len(points)
    area = cx = cy = 0.0
    for i in range(n):
        (x1, y1), (x2, y2) = points[i], points[(i + 1) % n]
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(area) < 1e-12:
        return sum(x for x, _ in points) / n, sum(y for _, y in points) / n
    return cx / (3 * area), cy / (3 * area)


def _figure(content: QuestionContent) -> FigureRef:
    if content.figure is None:
        raise ValueError("hotspot question has no figure")
    return content.figure


def _coordinate(raw: dict[Any, Any], axis: str, extent: float) -> float:
    if axis not in raw:
        raise AnswerError(axis, "Click a point on the figure or choose a region.")
    value = raw[axis]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AnswerError(axis, "That point is not a valid position.")
    if isinstance(value, float) and not math.isfinite(value):
        raise AnswerError(axis, "That point is not a valid position.")
    # Compared before float(): a huge JSON integer would overflow float().
    if not 0 <= value <= extent:
        raise AnswerError(axis, "That point is outside the figure.")
    return float(value)


def _hits(region: Region, answer: Answer) -> bool:
    if answer.region is not None:
        return region.id == answer.region
    if answer.x is None or answer.y is None:  # pragma: no cover - validation sets both
        return False
    return point_in_polygon(answer.x, answer.y, region.points)


def point_in_polygon(x: float, y: float, points: tuple[tuple[float, float], ...]) -> bool:
    """Whether (x, y) lies in the closed polygon `points` (vertices in order, implicitly closed).

    Points on an edge or a vertex count as inside (within 1e-9 figure units). The interior test
    is even-odd ray casting, which is right for concave polygons too. Fewer than three vertices
    make a polygon with no interior: only its edges (or its single point) can be hit.
    """
    n = len(points)
    if n == 0:
        return False
    edges = [(points[i], points[(i + 1) % n]) for i in range(n)]
    if any(_on_segment(x, y, a, b) for a, b in edges):
        return True
    if n < 3:
        return False
    inside = False
    for (x1, y1), (x2, y2) in edges:
        # The edge straddles the horizontal line through the point (half-open, so a vertex on
        # that line is counted once); count it when the crossing lies to the right.
        if (y1 > y) != (y2 > y):
            x_cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < x_cross:
                inside = not inside
    return inside


def _on_segment(x: float, y: float, a: tuple[float, float], b: tuple[float, float]) -> bool:
    (ax, ay), (bx, by) = a, b
    length = math.hypot(bx - ax, by - ay)
    if length == 0:
        return math.hypot(x - ax, y - ay) <= _EDGE_TOLERANCE
    # |cross| / length is the distance from the point to the edge's line.
    cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax)
    if abs(cross) > _EDGE_TOLERANCE * length:
        return False
    return (
        min(ax, bx) - _EDGE_TOLERANCE <= x <= max(ax, bx) + _EDGE_TOLERANCE
        and min(ay, by) - _EDGE_TOLERANCE <= y <= max(ay, by) + _EDGE_TOLERANCE
    )
