from django.urls import path

from cases import views

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/<slug:key>/", views.case_detail, name="case-detail"),
]
