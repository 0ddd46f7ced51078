"""Figure images, served only to who may see them."""

from __future__ import annotations

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from quizzes.http import AuthenticatedHttpRequest
from quizzes.learner_view import figure_visible
from quizzes.models import Figure


@login_required
@require_GET
def figure_image(request: AuthenticatedHttpRequest, figure_id: int) -> FileResponse:
    """A figure's image for a learner who may see it now (`learner_view.figure_visible`); a
    404 otherwise, exactly as if it did not exist."""
    if not figure_visible(request.user, figure_id):
        raise Http404("No such figure.")
    figure = get_object_or_404(Figure, pk=figure_id)
    content_type = mimetypes.guess_type(figure.image.name or "")[0] or "application/octet-stream"
    response = FileResponse(figure.image.open("rb"), content_type=content_type)
    # An SVG opened on its own must not run anything, even if one slipped past the upload check.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    # Private and short: whether the learner may see it changes as they answer.
    response["Cache-Control"] = "private, max-age=300"
    return response
