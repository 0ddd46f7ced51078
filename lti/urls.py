from django.urls import path
from lti_tool.views import jwks

from lti import views

urlpatterns = [
    path("lti/jwks/", jwks, name="lti-jwks"),
    path("lti/init/<uuid:registration_uuid>/", views.LoginInitView.as_view(), name="lti-init"),
    path("lti/launch/", views.LaunchView.as_view(), name="lti-launch"),
    path("lti/deep-link/", views.deep_link, name="lti-deep-link"),
]
