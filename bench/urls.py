"""The site's URLs plus the two baselines (bench.views), for bench.settings only."""

from django.urls import path

from bench import views
from edu_platform.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("bench/bare/", views.bare_json, name="bench-bare"),
    path("bench/static/", views.static_page, name="bench-static"),
    *site_urlpatterns,
]
