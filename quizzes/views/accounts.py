"""Account pages beyond Django's own auth views: sign-up, when the school allows it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render


class SiteLoginView(LoginView):
    """Django's login view, telling the page whether learners may sign themselves up."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"signup_enabled": settings.SIGNUP_ENABLED}


def signup(request: HttpRequest) -> HttpResponse:
    if not settings.SIGNUP_ENABLED:
        raise Http404("Sign-up is not open; ask your course administrator for an account.")
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form})
