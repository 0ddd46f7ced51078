"""Figure images, served only to who may see them."""

from __future__ import annotations

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from quizzes.models import Figure


@login_required
@require_GET
def figure_image(request: HttpRequest, figure_id: int) -> FileResponse:
    figure = get_object_or_404(Figure, pk=figure_id)
    content_type = mimetypes.guess_type(figure.image.name or "")[0] or "application/octet-stream"
    response = FileResponse(figure.image.open("rb"), content_type=content_type)
    # An SVG opened on its own must not run anything, even if one slipped past the upload check.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "private, max-age=86400"
    return response
