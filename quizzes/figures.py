"""Reading and vetting uploaded figures: their coordinate size, and SVGs that could run script."""

from __future__ import annotations

import re
from typing import IO

from defusedxml import ElementTree
from PIL import Image, UnidentifiedImageError

FORBIDDEN_SVG_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object"}
EXTERNAL_REF = re.compile(r"^\s*(javascript:|data:text/html|https?:|//)", re.IGNORECASE)


class FigureFileError(ValueError):
    """The upload is not a figure we can show safely; the message says why."""


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def svg_size(data: bytes) -> tuple[float, float]:
    """The SVG's coordinate size (its viewBox, else width/height); refuses active content."""
    try:
        root = ElementTree.fromstring(data)
    except Exception as error:  # defusedxml raises several parser errors
        raise FigureFileError(f"This SVG cannot be read: {error}.") from error
    if _local_name(root.tag) != "svg":
        raise FigureFileError("This file is not an SVG image.")
    for element in root.iter():
        name = _local_name(element.tag)
        if name in FORBIDDEN_SVG_ELEMENTS:
            raise FigureFileError(f"SVG figures may not contain <{name}> elements.")
        for attribute, value in element.attrib.items():
            attribute_name = _local_name(attribute)
            if attribute_name.startswith("on"):
                raise FigureFileError(
                    f"SVG figures may not contain event handlers ({attribute_name})."
                )
            if attribute_name == "href" and EXTERNAL_REF.match(value):
                raise FigureFileError("SVG figures may not link to scripts or other files.")
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


def figure_size(file: IO[bytes], name: str) -> tuple[float, float]:
    """The coordinate size of an uploaded figure: the SVG viewBox or the image's pixels."""
    file.seek(0)
    if name.lower().endswith(".svg"):
        data = file.read()
        file.seek(0)
        return svg_size(data)
    try:
        with Image.open(file) as image:
            image.verify()
            size = image.size
    except (UnidentifiedImageError, OSError) as error:
        raise FigureFileError("This file is not an image we can read.") from error
    finally:
        file.seek(0)
    return float(size[0]), float(size[1])


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
