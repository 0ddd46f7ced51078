from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.6667 -> "67%"."""
    if value is None:
        return ""
    return f"{round(value * 100)}%"


@register.filter
def widget_template(question_type: str) -> str:
    return f"quizzes/widgets/{question_type}.html"
