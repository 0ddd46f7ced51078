from django.urls import path

from cases import views

urlpatterns = [
    path("cases/<slug:key>/", views.case_detail, name="case-detail"),
    path("cases/<slug:key>/start/", views.start_case, name="case-start"),
    path("case-attempts/<int:attempt_id>/", views.case_attempt, name="case-attempt"),
]
