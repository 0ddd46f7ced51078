from django.urls import path

from quizzes.practice import api, views

urlpatterns = [
    path("practice/", views.create_test, name="practice"),
]

# Mounted under /api/v1/ by edu_platform.api_urls.
api_urlpatterns = [
    path("practice/pools/", api.PoolsView.as_view(), name="api-practice-pools"),
    path("practice/tests/", api.CreateTestView.as_view(), name="api-practice-tests"),
]
