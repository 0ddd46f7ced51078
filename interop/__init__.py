"""Moving questions and modules in and out: Moodle GIFT and Moodle XML, and module zips.

`gift` and `moodle_xml` read a file into `ParsedItem`s (format-neutral, no ORM), `importer`
turns them into a preview and then into questions in one transaction, `moodle_xml` also writes
questions back out, and `export` writes a whole module (docs/module-format.md) as a zip.

This module holds what the parsers share: the parsed item and the conversion of Moodle's text
formats (HTML, Moodle auto-format, plain text, Markdown) into the platform's text fields. Stems,
explanations and feedback are Markdown here, so HTML is converted to Markdown (never kept as
HTML); option, answer, item and match texts are plain text, so HTML is reduced to its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

# Moodle's text formats, under the names Moodle XML uses; GIFT's [moodle], [plain], [html] and
# [markdown] map onto them.
HTML = "html"
MOODLE_AUTO = "moodle_auto_format"
PLAIN = "plain_text"
MARKDOWN = "markdown"
TEXT_FORMATS = {HTML, MOODLE_AUTO, PLAIN, MARKDOWN}


@dataclass
class ParsedAnswer:
    """An answer as the file gives it: plain text, a fraction in percent, Markdown feedback.

    `fraction` is Moodle's grade for the answer (100 = fully correct, negative = penalty); for
    an ordering question it is the answer's place in the correct order (1, 2, ...).
    """

    text: str
    fraction: float
    feedback: str = ""
    tolerance: str = ""  # a numerical answer's absolute tolerance, as the file writes it


@dataclass
class ParsedPair:
    """A matching row; an empty prompt is one of Moodle's extra (distractor) answers."""

    prompt: str
    match: str
    feedback: str = ""


@dataclass
class ParsedZone:
    """A drag-markers drop zone: Moodle's shape name, its coordinate string, its marker."""

    no: int
    shape: str
    coords: str
    choice: int


@dataclass
class ParsedItem:
    """One question of a GIFT or Moodle XML file, read but not yet mapped to a platform type.

    `number` counts the file's questions (GIFT) or `<question>` elements (XML) from 1; `line` is
    the GIFT line the question starts on. `errors` mean the item cannot be imported at all;
    `warnings` say what the conversion lost.
    """

    number: int
    qtype: str
    name: str = ""
    line: int | None = None
    category: str = ""
    stem: str = ""
    general_feedback: str = ""
    single: bool | None = None
    all_or_nothing: bool | None = None
    answers: list[ParsedAnswer] = field(default_factory=list)
    pairs: list[ParsedPair] = field(default_factory=list)
    idnumber: str = ""
    tags: list[str] = field(default_factory=list)
    difficulty: str = ""
    image_name: str = ""
    image_data: bytes = b""
    drags: dict[int, str] = field(default_factory=dict)
    zones: list[ParsedZone] = field(default_factory=list)
    case_sensitive: bool = False
    grading: str = ""
    penalty: float | None = None
    # hotspot: the figure as this platform exported it (alt text, every region, every target)
    platform_figure: dict[str, Any] | None = None
    units: list[tuple[str, str]] = field(default_factory=list)  # numerical: (unit, multiplier)
    unit_graded: bool = False  # numerical: Moodle took marks off for a missing or wrong unit
    shuffle: bool | None = None  # Moodle's <shuffleanswers>; None when the file does not say
    weighted: bool = False  # the platform's own export says the options' weights are the rule
    # Moodle's combined feedback ("correct", "partial", "incorrect") and hints, as Markdown
    combined_feedback: dict[str, str] = field(default_factory=dict)
    hints: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        """How an educator finds the item in the file: its line (GIFT) or number (XML)."""
        place = f"Line {self.line}" if self.line is not None else f"Question {self.number}"
        return f'{place} ("{self.name}")' if self.name else place


@dataclass
class ParsedCategory:
    """A Moodle category's description (Markdown) and id number, by its path in the file."""

    description: str = ""
    idnumber: str = ""


@dataclass
class ParseResult:
    """A parsed file: its items, and problems that stop the whole file from being read."""

    format: str
    items: list[ParsedItem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    categories: dict[str, ParsedCategory] = field(default_factory=dict)


# Text conversion.

_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]])")
_LINE_MARKER = re.compile(r"^(\s*)([#>+-]|\d+\.)(?=\s|$)", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Plain text as Markdown that renders to exactly that text (no emphasis, lists, HTML)."""
    text = _INLINE_SPECIALS.sub(r"\\\1", text).replace("<", "&lt;")

    def marker(match: re.Match[str]) -> str:
        indent, mark = match.group(1), match.group(2)
        if mark.endswith(".") and mark[:-1].isdigit():
            return f"{indent}{mark[:-1]}\\."
        return f"{indent}\\{mark}"

    return _LINE_MARKER.sub(marker, text)


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text)


class _MarkdownWriter(HTMLParser):
    """A small HTML-to-Markdown converter for the markup question banks use.

    Paragraphs, line breaks, bold, italics, code, links, lists, headings and simple tables
    become Markdown; sub/sup stay as the two inline tags the renderer allows; images are
    dropped and reported; anything else keeps its text.
    """

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr"}
    SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.inline: list[str] = []
        self.lists: list[list] = []  # [kind, counter]
        self.links: list[str | None] = []
        self.images: list[str] = []
        self.skip = 0
        self.pre = 0
        self.pre_text: list[str] = []
        self.code = 0
        self.heading = 0
        self.table: list[list[str]] | None = None
        self.cell: list[str] | None = None

    def _out(self) -> list[str]:
        return self.cell if self.cell is not None else self.inline

    def _flush(self) -> None:
        text = "".join(self.inline).strip()
        self.inline = []
        if not text:
            return
        if self.heading:
            text = "#" * min(max(self.heading, 3), 5) + " " + text
        if self.lists:
            kind, counter = self.lists[-1]
            indent = "   " * (len(self.lists) - 1)
            bullet = f"{counter}." if kind == "ol" else "-"
            text = f"{indent}{bullet} {text}"
            self.blocks.append(("li", text))
            return
        self.blocks.append(("p", text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in self.SKIP:
            self.skip += 1
            return
        if tag in self.BLOCKS or tag in {"ul", "ol", "table"}:
            self._flush()
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.heading = int(tag[1])
        elif tag == "pre":
            self.pre += 1
        elif self.pre and tag == "br":
            self.pre_text.append("\n")
        elif tag == "hr":
            self.blocks.append(("p", "* * *"))
        elif tag == "br":
            self._out().append("  \n" if self.cell is None else " ")
        elif tag in {"strong", "b"}:
            self._out().append("**")
        elif tag in {"em", "i"}:
            self._out().append("*")
        elif tag == "code" and not self.pre:
            self._out().append("`")
            self.code += 1
        elif tag in {"sub", "sup"}:
            self._out().append(f"<{tag}>")
        elif tag == "a":
            href = values.get("href") or ""
            usable = re.match(r"^(https?:|mailto:)", href, re.IGNORECASE)
            self.links.append(href if usable else None)
            if usable:
                self._out().append("[")
        elif tag in {"ul", "ol"}:
            self.lists.append([tag, 0])
        elif tag == "li":
            self._flush()
            if self.lists:
                self.lists[-1][1] += 1
        elif tag == "img":
            src = values.get("src") or ""
            name = src.replace("@@PLUGINFILE@@/", "").rsplit("/", 1)[-1] or "an image"
            self.images.append(name)
        elif tag == "table":
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in {"td", "th"} and self.table is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag in {"strong", "b"}:
            self._out().append("**")
        elif tag in {"em", "i"}:
            self._out().append("*")
        elif tag == "code" and not self.pre:
            self._out().append("`")
            self.code = max(0, self.code - 1)
        elif tag in {"sub", "sup"}:
            self._out().append(f"</{tag}>")
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self._out().append(f"]({href})")
        elif tag in {"td", "th"} and self.table is not None and self.cell is not None:
            if not self.table:
                self.table.append([])
            self.table[-1].append("".join(self.cell).strip().replace("|", "\\|"))
            self.cell = None
        elif tag == "table" and self.table is not None:
            self._emit_table(self.table)
            self.table = None
        elif tag in {"ul", "ol"}:
            self._flush()
            if self.lists:
                self.lists.pop()
        elif tag == "li":
            self._flush()
        elif tag == "pre" and self.pre:
            self.pre -= 1
            if not self.pre:
                self._emit_pre()
        elif tag in self.BLOCKS:
            self._flush()
            if tag.startswith("h") and tag[1:].isdigit():
                self.heading = 0

    def _emit_table(self, rows: list[list[str]]) -> None:
        rows = [row for row in rows if row]
        if not rows:
            return
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
        lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        self.blocks.append(("p", "\n".join(lines)))

    def _emit_pre(self) -> None:
        # Preformatted text (a drug chart, a formula) keeps every space and line: an indented
        # Markdown code block, whose content is never read as Markdown.
        text = "".join(self.pre_text).removeprefix("\n").rstrip("\n")
        self.pre_text = []
        if text.strip():
            lines = [f"    {line}".rstrip() for line in text.split("\n")]
            self.blocks.append(("p", "\n".join(lines)))

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            self.pre_text.append(data)
            return
        if self.code:
            # A code span shows its text as it is: no Markdown escapes inside it.
            self._out().append(_collapse(data).replace("`", "'"))
            return
        self._out().append(escape_markdown(_collapse(data)))

    def result(self) -> str:
        self._flush()
        parts: list[str] = []
        previous = None
        for kind, text in self.blocks:
            if parts:
                parts.append("\n" if kind == "li" and previous == "li" else "\n\n")
            parts.append(text)
            previous = kind
        return "".join(parts).strip()


def html_to_markdown(html: str) -> tuple[str, list[str]]:
    """Markdown for an HTML fragment, and the names of the images it had to drop."""
    writer = _MarkdownWriter()
    writer.feed(html)
    writer.close()
    return writer.result(), writer.images


class _TextWriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _MarkdownWriter.SKIP:
            self.skip += 1
        elif tag == "img":
            src = dict(attrs).get("src") or ""
            self.images.append(src.replace("@@PLUGINFILE@@/", "").rsplit("/", 1)[-1])
        elif tag in {"br", "p", "div", "li", "td", "th", "tr"}:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _MarkdownWriter.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in {"p", "div", "li", "td", "th"}:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, list[str]]:
    """The text of an HTML fragment on one line, and the names of the images it dropped."""
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    return _collapse("".join(writer.parts)).strip(), writer.images


def to_markdown(text: str, text_format: str) -> tuple[str, list[str]]:
    """A Moodle text in `text_format` as the platform's Markdown, and any images dropped."""
    if text_format == MARKDOWN:
        return text.strip(), []
    if text_format == PLAIN:
        lines = [escape_markdown(line.strip()) for line in text.strip().splitlines()]
        return "  \n".join(lines).strip(), []
    if text_format == MOODLE_AUTO:
        # Moodle's auto-format keeps HTML tags and turns line breaks into <br>.
        text = re.sub(r"\r?\n", "<br>", text.strip())
    return html_to_markdown(text)


def to_plain(text: str, text_format: str) -> tuple[str, list[str]]:
    """A Moodle text in `text_format` as one line of plain text, and any images dropped."""
    if text_format in {PLAIN, MARKDOWN}:
        return _collapse(text).strip(), []
    return html_to_text(text)


# Tags the converters turn into Markdown (or whose text is all that matters); any other tag is
# reported as not kept.
_KEPT_TAGS = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "strong",
    "b", "em", "i", "code", "sub", "sup", "a", "ul", "ol", "li", "table", "thead", "tbody",
    "tfoot", "tr", "td", "th", "span", "img", "html", "body", "caption",
}  # fmt: skip


class _MarkupAudit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lost: dict[str, None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _KEPT_TAGS:
            self.lost[f"<{tag}>"] = None
        elif any(name == "style" for name, _value in attrs):
            self.lost["inline styles (colour, size)"] = None


def lost_markup(text: str, text_format: str, where: str) -> list[str]:
    """A warning naming the HTML of a Moodle text that the conversion does not keep."""
    if text_format not in {HTML, MOODLE_AUTO} or "<" not in text:
        return []
    audit = _MarkupAudit()
    audit.feed(text)
    audit.close()
    if not audit.lost:
        return []
    return [f"The {where} used formatting that is not kept here: {', '.join(audit.lost)}."]


def images_warning(images: list[str], where: str) -> list[str]:
    if not images:
        return []
    names = ", ".join(sorted(set(images)))
    return [
        f"The image(s) {names} in the {where} were not imported: only drag-marker backgrounds "
        "become figures."
    ]
