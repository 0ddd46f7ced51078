"""The API's pagination (DEFAULT_PAGINATION_CLASS).

Its own module: DRF's generic views read DEFAULT_PAGINATION_CLASS while
`rest_framework.generics` is still importing, so the class must come from a module that does
not import them.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


class Pagination(PageNumberPagination):
    """DRF's page numbers, except that an empty `page=` is refused like any other non-number
    (DRF reads it as page 1)."""

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        if request.query_params.get(self.page_query_param) == "":
            raise NotFound(self.invalid_page_message.format(message="No page number."))
        return super().get_page_number(request, paginator)
