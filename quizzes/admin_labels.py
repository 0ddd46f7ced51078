"""Labels for every input of the authoring admin's tabular inlines.

Django's tabular inline writes each field's name once, as a column header, and its inputs
without a label, so a screen reader announces "edit text" for every cell. Each input of an
inline form here carries an accessible name instead: the column's name and the row number
("Text, row 2"), as `aria-label` (a visually hidden label; the column header stays as it is).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.text import capfirst


class LabelledFormSetMixin:
    """An inline formset whose every visible input has an accessible name."""

    def add_fields(self, form: forms.BaseForm, index: int | None) -> None:
        super().add_fields(form, index)  # type: ignore[misc]
        row = "new row" if index is None else f"row {index + 1}"
        for name, field in form.fields.items():
            widget = field.widget
            if isinstance(widget, RelatedFieldWidgetWrapper):
                widget = widget.widget
            if widget.is_hidden:
                continue
            label = "Delete" if name == "DELETE" else capfirst(str(field.label or name))
            widget.attrs["aria-label"] = f"{label}, {row}"


class LabelledInlineMixin:
    """For a TabularInline: its formset labels every input (see LabelledFormSetMixin)."""

    def get_formset(
        self, request: HttpRequest, obj: Any = None, **kwargs: Any
    ) -> type[BaseInlineFormSet[Any, Any, Any]]:
        formset = super().get_formset(request, obj, **kwargs)  # type: ignore[misc]
        return type(formset.__name__, (LabelledFormSetMixin, formset), {})
