"""Figure files are vetted by their content: an SVG that could run script or fetch from
elsewhere is refused with a reason, anything passing is also sanitised, and a raster must be
what its name says."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from PIL import Image

from interop.export import MODULE_JSON, load_module_zip
from interop.modules import ModuleError
from quizzes.figures import FigureFileError, vet_figure

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 80">{}</svg>'


def svg(body: str) -> bytes:
    return SVG.format(body).encode()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('<a><set attributeName="href" to="javascript:alert(1)"/><rect/></a>', "animate links"),
        ('<a><animate attributeName="xlink:href" values="javascript:alert(1)"/></a>', "animate"),
        ('<a href="java\tscript:alert(1)"><rect/></a>', "javascript"),
        ('<a xlink:href="&#x6A;avascript:alert(1)"><rect/></a>', "javascript"),
        ('<a href=" JaVaScRiPt:alert(1)"><rect/></a>', "javascript"),
        ("<style>@import url(https://evil.example/x.css);</style>", "@import"),
        ('<style>rect { fill: url("https://evil.example/t.svg#p") }</style>', r"url\(#"),
        ('<rect style="fill:url(https://evil.example/t)"/>', r"url\(#"),
        ('<image href="https://evil.example/x.png"/>', "link to scripts or other files"),
        ('<use href="data:image/svg+xml;base64,PHN2Zz4="/>', "script"),
        ('<rect onload="alert(1)"/>', "event handlers"),
        ("<script>alert(1)</script>", "<script>"),
        ("<foreignObject><p>hi</p></foreignObject>", "<foreignobject>"),
    ],
)
def test_an_svg_that_could_run_script_or_fetch_is_refused_with_a_reason(body, reason):
    with pytest.raises(FigureFileError, match=reason):
        vet_figure(svg(body), "heel.svg")


def test_a_plain_svg_passes_sanitised_with_its_size():
    vetted = vet_figure(svg('<rect width="10" height="10" fill="#eee"/><a href="#r"/>'), "h.svg")
    assert (vetted.width, vetted.height, vetted.extension) == (100.0, 80.0, "svg")
    assert b"<rect" in vetted.data
    assert vet_figure(vetted.data, "h.svg").data == vetted.data  # stable when vetted again


def png(kind: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3)).save(buffer, kind)
    return buffer.getvalue()


def test_a_png_passes_with_its_pixel_size():
    vetted = vet_figure(png(), "x.png")
    assert (vetted.width, vetted.height, vetted.data) == (4.0, 3.0, png())


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"<html><script>alert(1)</script></html>", "figure.png", "not an image"),
        (b"<html><script>alert(1)</script></html>", "figure.html", "not an image"),
        (png(), "figure.jpg", "name it .png"),
        (png("BMP"), "figure.bmp", "BMP images are not accepted"),
        (b"<html><body>hi</body></html>", "figure.svg", "not an SVG"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused(data, name, reason):
    with pytest.raises(FigureFileError, match=reason):
        vet_figure(data, name)


@pytest.mark.django_db
def test_a_module_pointing_a_figure_outside_its_archive_is_refused():
    module = {
        "format": "edu-platform-module",
        "version": 1,
        "figures": [
            {
                "key": "f",
                "file": "../../../etc/hostname",
                "title": "F",
                "alt_text": "A",
                "regions": [],
            }
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(MODULE_JSON, json.dumps(module))
    with pytest.raises(ModuleError, match="must lie inside the module"):
        load_module_zip(io.BytesIO(buffer.getvalue()))
