from django.urls import include, path

from signon import views

urlpatterns = [
    path("accounts/sign-on-failed/", views.failed, name="sign-on-failed"),
    # The library's views, as signon.views subclasses them (OIDC_*_CLASS settings): 404 while
    # sign-on is not set up.
    path("oidc/", include("mozilla_django_oidc.urls")),
]
