from django import template

from quizzes.qtypes import kind_of

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.6667 -> "67%"."""
    if value is None:
        return ""
    return f"{round(value * 100)}%"


@register.filter
def widget_template(question_type: str) -> str:
    return kind_of(question_type).widget_template
