"""The API's JSON parser (DEFAULT_PARSER_CLASSES): DRF's, refusing absurdly deep JSON.

Its own module: DRF reads DEFAULT_PARSER_CLASSES while `rest_framework.views` is importing.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    """JSON as DRF parses it, but nesting deep enough to exhaust Python's recursion limit is a
    400 (`parse_error`), not a server error."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError("JSON parse error - the JSON is nested too deeply.") from error
