"""The two baselines of the web benchmark; served only through bench.urls (bench.settings).

- `bare_json`: the framework's floor for an API call: gunicorn, every middleware, URL routing
  and a JSON body, with no database, cache or template.
- `static_page`: the floor for a page: the site's base template rendered with filler text of a
  requested size (the harness asks for the byte size of the page it compares with), no database.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

PARAGRAPH = (
    "The medial calcaneal nerve usually arises from the tibial nerve within the tarsal tunnel "
    "and supplies the skin of the medial heel. "
)


@csrf_exempt
def bare_json(request: HttpRequest) -> JsonResponse:
    # Accepts the answer POST's body and method so both runs send the same request.
    return JsonResponse({"position": 0, "response_status": "pending", "saved": True})


# Filler per requested size, measured once per process so each request renders once.
_FILLER: dict[int, list[str]] = {}


def static_page(request: HttpRequest) -> HttpResponse:
    try:
        size = min(max(int(request.GET.get("bytes", "20000")), 0), 2_000_000)
    except ValueError:
        size = 20000
    if size not in _FILLER:
        empty = render(request, "bench/static.html", {"paragraphs": []})
        missing = max(size - len(empty.content), 0)
        count, rest = divmod(missing, len(PARAGRAPH) + 8)  # "<p>" + text + "</p>\n"
        tail = [PARAGRAPH[: rest - 8]] if rest > 8 else []
        _FILLER[size] = [PARAGRAPH] * count + tail
    return render(request, "bench/static.html", {"paragraphs": _FILLER[size]})
