from django.urls import path

from cohorts import views

urlpatterns = [
    path(
        "assignments/<int:assignment_id>/start/",
        views.start_assignment,
        name="assignment-start",
    ),
    path("join/<str:code>/", views.join_cohort, name="cohort-join"),
]
