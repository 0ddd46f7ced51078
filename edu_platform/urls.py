from django.contrib import admin
from django.urls import include, path

from edu_platform import accounts, home

urlpatterns = [
    path("", home.home, name="home"),
    path("favicon.ico", home.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/login/", accounts.SiteLoginView.as_view(), name="login"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/tokens/", accounts.token_page, name="account-tokens"),
    path(
        "accounts/password_reset/",
        accounts.ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("signon.urls")),
    path("", include("lti.urls")),
    path("", include("quizzes.urls")),
    path("", include("quizzes.reviews.urls")),
    path("", include("quizzes.practice.urls")),
    path("", include("cases.urls")),
    path("", include("cohorts.urls")),
    path("", include("edu_platform.api_urls")),
]
# Uploaded files are never served as files (no MEDIA_URL route, not even in development):
# figures go through the figure view, which asks whether the learner may see them now.
