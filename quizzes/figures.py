"""Vetting figure files (uploads, imports, modules) by their content, and their coordinate size."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import IO, Any

from defusedxml import ElementTree
from PIL import Image, UnidentifiedImageError
from py_svg_hush import filter_svg

FORBIDDEN_SVG_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler"}
ANIMATION_ELEMENTS = {"set", "animate", "animatemotion", "animatetransform", "discard"}
# Schemes that run or carry active content, matched after removing whitespace and control
# characters, as browsers do ("java\tscript:" is "javascript:").
ACTIVE_SCHEME = re.compile(r"^(javascript|vbscript|livescript|data:text/html|data:image/svg)", re.I)
EXTERNAL_REF = re.compile(r"^(https?:|//|ftp:|file:|data:)", re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")\s]*)", re.IGNORECASE)
RASTER_FORMATS = {"PNG": {"png"}, "JPEG": {"jpg", "jpeg"}, "WEBP": {"webp"}, "GIF": {"gif"}}


class FigureFileError(ValueError):
    """The upload is not a figure we can show safely; the message says why."""


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _squeezed(value: str) -> str:
    """An attribute value as a URL parser reads it: whitespace and control characters gone."""
    return "".join(ch for ch in value if ch > " " and ch != "\x7f").lower()


def _css_problem(css: str) -> str | None:
    if "@import" in css.lower():
        return "SVG figures may not import style sheets (@import)."
    for target in CSS_URL.findall(css):
        if target and not target.startswith("#"):
            return "SVG figures may only refer to their own parts in styles (url(#...))."
    if "expression(" in _squeezed(css) or ACTIVE_SCHEME.search(_squeezed(css)):
        return "SVG figures may not run script from styles."
    return None


def _svg_problem(root: Any) -> str | None:
    """Why this SVG could run script or load something from elsewhere; None when it cannot."""
    for element in root.iter():
        name = _local_name(element.tag)
        if name in FORBIDDEN_SVG_ELEMENTS:
            return f"SVG figures may not contain <{name}> elements."
        if name == "style" and element.text and (problem := _css_problem(element.text)):
            return problem
        if name in ANIMATION_ELEMENTS and _squeezed(
            element.attrib.get("attributeName", "")
        ).endswith("href"):
            return "SVG figures may not animate links."
        for attribute, value in element.attrib.items():
            attribute_name = _local_name(attribute)
            squeezed = _squeezed(value)
            if attribute_name.startswith("on"):
                return f"SVG figures may not contain event handlers ({attribute_name})."
            if ACTIVE_SCHEME.match(squeezed) or "javascript:" in squeezed:
                return "SVG figures may not contain script (a javascript: link or value)."
            if attribute_name == "href" and EXTERNAL_REF.match(squeezed):
                return "SVG figures may not link to scripts or other files."
            if attribute_name == "style" and (problem := _css_problem(value)):
                return problem
    return None


def svg_size(data: bytes) -> tuple[float, float]:
    """The SVG's coordinate size (its viewBox, else width/height); refuses active content."""
    try:
        root = ElementTree.fromstring(data)
    except Exception as error:  # defusedxml raises several parser errors
        raise FigureFileError(f"This SVG cannot be read: {error}.") from error
    if _local_name(root.tag) != "svg":
        raise FigureFileError("This file is not an SVG image.")
    problem = _svg_problem(root)
    if problem:
        raise FigureFileError(problem)
    view_box = root.attrib.get("viewBox")
    if view_box:
        parts = view_box.replace(",", " ").split()
        if len(parts) == 4:
            return float(parts[2]), float(parts[3])
    try:
        return (
            float(re.sub(r"[a-z%]+$", "", root.attrib["width"])),
            float(re.sub(r"[a-z%]+$", "", root.attrib["height"])),
        )
    except (KeyError, ValueError) as error:
        raise FigureFileError("Give the SVG a viewBox so regions have coordinates.") from error


@dataclass(frozen=True)
class VettedFigure:
    """A figure file fit to show: its bytes (an SVG passed through svg-hush), its coordinate
    size, and its extension as its content says (never as its name claims)."""

    data: bytes
    width: float
    height: float
    extension: str


def vet_figure(data: bytes, name: str) -> VettedFigure:
    """Check an uploaded or imported figure by its content: an SVG without active content, or
    a PNG, JPEG, WebP or GIF image whose name says what it is. FigureFileError says why not.

    SVGs are refused for anything that could run script or fetch from elsewhere, with a
    sentence for the educator, and what passes is also cleaned by svg-hush (a maintained SVG
    sanitiser), so a construct this check does not know is dropped, not served.
    """
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "svg":
        width, height = svg_size(data)
        return VettedFigure(data=filter_svg(data), width=width, height=height, extension="svg")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            kind, size = image.format, image.size
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise FigureFileError(
            "This file is not an image we can show (SVG, PNG, JPEG, WebP or GIF)."
        ) from error
    allowed = RASTER_FORMATS.get(kind or "")
    if allowed is None:
        raise FigureFileError(f"{kind} images are not accepted: use PNG, JPEG, WebP or GIF.")
    if extension not in allowed:
        raise FigureFileError(
            f"This file is a {kind} image but its name ends in .{extension or '(nothing)'}: "
            f"name it .{sorted(allowed)[0]}."
        )
    return VettedFigure(data=data, width=float(size[0]), height=float(size[1]), extension=extension)


def figure_size(file: IO[bytes], name: str) -> tuple[float, float]:
    """The coordinate size of an uploaded figure (vetted as `vet_figure` does)."""
    file.seek(0)
    vetted = vet_figure(file.read(), name)
    file.seek(0)
    return vetted.width, vetted.height


def points_problems(points: object, width: float, height: float) -> list[str]:
    """Why `points` is not a polygon inside a width × height figure; empty when it is."""
    if not isinstance(points, list) or len(points) < 3:
        return ["A region needs at least three corners, as [[x, y], [x, y], [x, y]]."]
    for point in points:
        if (
            not isinstance(point, list | tuple)
            or len(point) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in point)
        ):
            return [f"Each corner is a pair of numbers [x, y]; {point!r} is not."]
    outside = [p for p in points if not (0 <= p[0] <= width and 0 <= p[1] <= height)]
    if outside:
        x, y = outside[0]
        return [
            f"The corner {x:g}, {y:g} lies outside the figure ({width:g} × {height:g}); "
            "every corner must lie on the figure."
        ]
    return []
