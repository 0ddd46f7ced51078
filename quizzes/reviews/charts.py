"""The progress dashboard's charts: server-rendered SVG, each with a text alternative and a
data table.

Chart geometry is computed here (pure functions of the progress selectors' rows) and drawn by
small partials (templates/quizzes/partials/chart_*.html). Horizontal positions are percentages
of the chart's width and vertical ones pixels, so a chart fills any screen while its text keeps
the page's font size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from quizzes.reviews.planning import Workload
from quizzes.reviews.progress import STRONG, DayCount, TopicProgress, WeekRate

PLOT_LEFT = 11.0  # percent of the width kept for the y-axis labels
PLOT_RIGHT = 98.0
PLOT_TOP = 14
PLOT_HEIGHT = 140
X_LABEL_Y = PLOT_TOP + PLOT_HEIGHT + 20
CHART_HEIGHT = X_LABEL_Y + 8


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(frozen=True)
class Column:
    x: float
    width: float
    y: float
    height: float
    title: str


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Series:
    name: str
    css_class: str
    points: list[Point]
    segments: list[Segment]
    marker: str  # "circle", "square" or "" (shape as well as colour tells series apart)


@dataclass(frozen=True)
class TopicRow:
    name: str
    label_y: int
    bar_y: int
    accuracy_y: int
    mastery: float | None
    accuracy: float | None
    mastery_text: str
    accuracy_text: str


@dataclass
class Chart:
    """One chart: what to draw, a sentence for screen readers, and the data as a table."""

    id: str
    title: str
    summary: str
    height: int
    headers: list[str]
    rows: list[list[str]]
    columns: list[Column] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    topics: list[TopicRow] = field(default_factory=list)
    x_labels: list[Label] = field(default_factory=list)
    y_labels: list[Label] = field(default_factory=list)
    gridlines: list[float] = field(default_factory=list)
    empty: bool = False
    plot_left: float = PLOT_LEFT
    plot_right: float = PLOT_RIGHT


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _short(day: date) -> str:
    return f"{day.day} {day:%b}"


def _y(fraction: float) -> float:
    return round(PLOT_TOP + PLOT_HEIGHT * (1 - fraction), 1)


def _percent_axis() -> tuple[list[Label], list[float]]:
    labels = [Label(x=0, y=_y(f) + 4, text=f"{f:.0%}") for f in (0, 0.5, 1)]
    return labels, [_y(f) for f in (0, 0.5, 1)]


def forecast_chart(forecast: Sequence[DayCount]) -> Chart:
    """Columns: reviews due on each of the next days (like Anki's forecast)."""
    peak = max((day.count for day in forecast), default=0)
    slot = (PLOT_RIGHT - PLOT_LEFT) / max(len(forecast), 1)
    columns = [
        Column(
            x=round(PLOT_LEFT + index * slot + slot * 0.15, 2),
            width=round(slot * 0.7, 2),
            y=_y(day.count / peak) if peak else _y(0),
            height=round(PLOT_HEIGHT * day.count / peak, 1) if peak else 0,
            title=f"{_short(day.day)}: {day.count}",
        )
        for index, day in enumerate(forecast)
    ]
    # A label every week, centred under its column (the first one starts at its column).
    x_labels = [
        Label(
            x=round(PLOT_LEFT + index * slot + (0 if index == 0 else slot / 2), 2),
            y=X_LABEL_Y,
            text="Today" if index == 0 else _short(day.day),
            anchor="start" if index == 0 else "middle",
        )
        for index, day in enumerate(forecast)
        if index % 7 == 0
    ]
    y_labels = [Label(x=0, y=_y(0) + 4, text="0")]
    gridlines = [_y(0)]
    if peak:
        y_labels.append(Label(x=0, y=_y(1) + 4, text=str(peak)))
        gridlines.append(_y(1))
    total = sum(day.count for day in forecast)
    busiest = max(forecast, key=lambda day: day.count) if forecast else None
    if total and busiest is not None:
        summary = (
            f"{total} reviews due in the next {len(forecast)} days, {forecast[0].count} of them "
            f"today; the busiest day is {_short(busiest.day)} with {busiest.count}."
        )
    else:
        summary = f"No reviews due in the next {len(forecast)} days."
    return Chart(
        id="forecast",
        title=f"Reviews due over the next {len(forecast)} days",
        summary=summary,
        height=CHART_HEIGHT,
        headers=["Day", "Reviews due"],
        rows=[
            ["Today" if i == 0 else f"{d.day:%a} {_short(d.day)}", str(d.count)]
            for i, d in enumerate(forecast)
        ],
        columns=columns,
        x_labels=x_labels,
        y_labels=y_labels,
        gridlines=gridlines,
        empty=not total,
    )


def _line(
    values: Sequence[float | None], *, name: str, css_class: str, marker: str, titles: list[str]
) -> Series:
    step = (PLOT_RIGHT - PLOT_LEFT) / max(len(values) - 1, 1)
    points = [
        Point(x=round(PLOT_LEFT + index * step, 2), y=_y(value), title=titles[index])
        for index, value in enumerate(values)
        if value is not None
    ]
    segments = []
    for index in range(len(values) - 1):
        left, right = values[index], values[index + 1]
        if left is None or right is None:
            continue  # a week without data breaks the line rather than inventing a value
        segments.append(
            Segment(
                x1=round(PLOT_LEFT + index * step, 2),
                y1=_y(left),
                x2=round(PLOT_LEFT + (index + 1) * step, 2),
                y2=_y(right),
            )
        )
    return Series(name=name, css_class=css_class, points=points, segments=segments, marker=marker)


def _week_labels(weeks: Sequence[date]) -> list[Label]:
    step = (PLOT_RIGHT - PLOT_LEFT) / max(len(weeks) - 1, 1)
    last = len(weeks) - 1
    return [
        Label(
            x=round(PLOT_LEFT + index * step, 2),
            y=X_LABEL_Y,
            text=_short(week),
            anchor="end" if index == last else ("start" if index == 0 else "middle"),
        )
        for index, week in enumerate(weeks)
        if index % 4 == last % 4
    ]


def retention_chart(weeks: Sequence[WeekRate]) -> Chart:
    """Lines: true retention per week beside the desired retention."""
    titles = [
        f"Week of {_short(w.week)}: {_percent(w.rate)} of {w.total} due reviews recalled"
        for w in weeks
    ]
    true_line = _line(
        [w.rate for w in weeks], name="True retention", css_class="series-actual",
        marker="circle", titles=titles,
    )  # fmt: skip
    target_line = _line(
        [w.target for w in weeks], name="Desired retention", css_class="series-target",
        marker="", titles=[f"Desired {_percent(w.target)}" for w in weeks],
    )  # fmt: skip
    y_labels, gridlines = _percent_axis()
    total = sum(w.total for w in weeks)
    hits = sum(w.hits for w in weeks)
    target = weeks[-1].target if weeks else None
    if total:
        summary = (
            f"Over the last {len(weeks)} weeks you recalled {hits} of {total} due reviews "
            f"({hits / total:.0%}); your desired retention is {_percent(target)}."
        )
    else:
        summary = (
            f"No due reviews in the last {len(weeks)} weeks yet; your desired retention is "
            f"{_percent(target)}."
        )
    return Chart(
        id="retention",
        title="True retention by week",
        summary=summary,
        height=CHART_HEIGHT,
        headers=["Week of", "Due reviews", "Recalled", "True retention", "Desired"],
        rows=[
            [_short(w.week), str(w.total), str(w.hits), _percent(w.rate), _percent(w.target)]
            for w in weeks
        ],
        series=[target_line, true_line],
        x_labels=_week_labels([w.week for w in weeks]),
        y_labels=y_labels,
        gridlines=gridlines,
        empty=not total,
    )


def accuracy_chart(weeks: Sequence[WeekRate]) -> Chart:
    """A line: the share of answers correct per week."""
    titles = [
        f"Week of {_short(w.week)}: {w.hits} of {w.total} correct ({_percent(w.rate)})"
        for w in weeks
    ]
    line = _line(
        [w.rate for w in weeks], name="Accuracy", css_class="series-actual", marker="circle",
        titles=titles,
    )  # fmt: skip
    y_labels, gridlines = _percent_axis()
    total = sum(w.total for w in weeks)
    hits = sum(w.hits for w in weeks)
    recent = next((w for w in reversed(weeks) if w.total), None)
    if total and recent is not None:
        summary = (
            f"{hits} of {total} answers correct over the last {len(weeks)} weeks "
            f"({hits / total:.0%}); in the week of {_short(recent.week)}, {_percent(recent.rate)}."
        )
    else:
        summary = f"No answers in the last {len(weeks)} weeks."
    return Chart(
        id="accuracy",
        title="Accuracy by week",
        summary=summary,
        height=CHART_HEIGHT,
        headers=["Week of", "Answers", "Correct", "Accuracy"],
        rows=[[_short(w.week), str(w.total), str(w.hits), _percent(w.rate)] for w in weeks],
        series=[line],
        x_labels=_week_labels([w.week for w in weeks]),
        y_labels=y_labels,
        gridlines=gridlines,
        empty=not total,
    )


def trend_chart(trend: Sequence[DayCount]) -> Chart:
    """A line: mean topic mastery of each daily snapshot."""
    values = [point.count / 100 for point in trend]
    titles = [f"{_short(point.day)}: {point.count}%" for point in trend]
    line = _line(values, name="Mastery", css_class="series-actual", marker="square", titles=titles)
    y_labels, gridlines = _percent_axis()
    if trend:
        summary = (
            f"Mean mastery went from {trend[0].count}% on {_short(trend[0].day)} to "
            f"{trend[-1].count}% on {_short(trend[-1].day)}."
        )
    else:
        summary = "No daily snapshots yet: they are taken each night."
    step = (PLOT_RIGHT - PLOT_LEFT) / max(len(trend) - 1, 1)
    x_labels = [
        Label(
            x=round(PLOT_LEFT + index * step, 2),
            y=X_LABEL_Y,
            text=_short(point.day),
            anchor="end" if index and index == len(trend) - 1 else "start",
        )
        for index, point in enumerate(trend)
        if index in {0, len(trend) - 1}
    ]
    return Chart(
        id="trend",
        title="Mastery over time",
        summary=summary,
        height=CHART_HEIGHT,
        headers=["Day", "Mean mastery"],
        rows=[[_short(point.day), f"{point.count}%"] for point in trend],
        series=[line],
        x_labels=x_labels,
        y_labels=y_labels,
        gridlines=gridlines,
        empty=len(trend) < 2,
    )


TOPIC_ROW_HEIGHT = 52


def topic_summary(topics: Sequence[TopicProgress]) -> str:
    """One sentence on the topics: the strongest only if it is strong, never the least weak."""
    if not any(t.cards or t.answered for t in topics):
        return "No topic mastery yet: answer some questions first."
    weakest = min(topics, key=lambda t: t.mastery or 0)
    strong = [t for t in topics if t.strong]
    if not strong:
        return (
            f"No topic is strong yet (mastery {STRONG:.0%} or more); the one to work on most is "
            f"{weakest.name} ({_percent(weakest.mastery)})."
        )
    strongest = max(strong, key=lambda t: t.mastery or 0)
    mastered = " and mastered" if strongest.mastered else ""
    return (
        f"Mastery by topic: strongest{mastered} {strongest.name} "
        f"({_percent(strongest.mastery)}), weakest {weakest.name} ({_percent(weakest.mastery)})."
    )


def topic_chart(topics: Sequence[TopicProgress]) -> Chart:
    """Paired bars per topic: mastery (solid) beside accuracy (outlined)."""
    rows = [
        TopicRow(
            name=topic.name,
            label_y=index * TOPIC_ROW_HEIGHT + 16,
            bar_y=index * TOPIC_ROW_HEIGHT + 24,
            accuracy_y=index * TOPIC_ROW_HEIGHT + 37,
            mastery=round(topic.mastery * 100, 1) if topic.mastery is not None else None,
            accuracy=round(topic.accuracy * 100, 1) if topic.accuracy is not None else None,
            mastery_text=_percent(topic.mastery),
            accuracy_text=_percent(topic.accuracy),
        )
        for index, topic in enumerate(topics)
    ]
    summary = topic_summary(topics)
    return Chart(
        id="topics",
        title="Mastery and accuracy by topic",
        summary=summary,
        height=max(len(rows), 1) * TOPIC_ROW_HEIGHT,
        headers=["Topic", "Questions met", "Mastery in 7 days", "Answers", "Accuracy"],
        rows=[
            [
                t.name,
                f"{t.cards} of {t.questions}",
                _percent(t.mastery) + (" (mastered)" if t.mastered else ""),
                str(t.answered),
                _percent(t.accuracy),
            ]
            for t in topics
        ],
        topics=rows,
        empty=not topics,
    )


WORKLOAD_STYLES = (
    ("series-target", ""),
    ("series-actual", "circle"),
    ("series-third", "square"),
)


def workload_chart(workloads: Sequence[Workload]) -> Chart:
    """Lines: simulated reviews per day until the exam, one line per target retention."""
    peak = max((max(w.reviews, default=0) for w in workloads), default=0)
    series = []
    for workload, (css_class, marker) in zip(workloads, WORKLOAD_STYLES, strict=False):
        name = f"Rising to {workload.target_retention:.0%}"
        series.append(
            _line(
                [count / peak if peak else 0.0 for count in workload.reviews],
                name=name,
                css_class=css_class,
                marker=marker,
                titles=[
                    f"{_short(day)}: {count} reviews, {new} new ({name})"
                    for day, count, new in zip(
                        workload.days, workload.reviews, workload.new, strict=True
                    )
                ],
            )
        )
    days = workloads[0].days if workloads else []
    y_labels = [Label(x=0, y=_y(0) + 4, text="0")]
    gridlines = [_y(0)]
    if peak:
        y_labels.append(Label(x=0, y=_y(1) + 4, text=str(peak)))
        gridlines.append(_y(1))
    parts = [
        f"rising to {w.target_retention:.0%}: {w.mean_reviews:.0f} reviews a day on average, "
        f"at most {w.peak_minutes} minutes a day, {w.exam_retention:.0%} expected on the exam day"
        for w in workloads
    ]
    summary = "Simulated until the exam: " + "; ".join(parts) + "." if parts else ""
    return Chart(
        id="workload",
        title="Expected reviews per day until the exam",
        summary=summary,
        height=CHART_HEIGHT,
        headers=["Day", *[f"Reviews (new) rising to {w.target_retention:.0%}" for w in workloads]],
        rows=[
            [_short(day), *[f"{w.reviews[index]} ({w.new[index]})" for w in workloads]]
            for index, day in enumerate(days)
        ],
        series=series,
        x_labels=_week_labels(days),
        y_labels=y_labels,
        gridlines=gridlines,
        empty=not days,
    )
