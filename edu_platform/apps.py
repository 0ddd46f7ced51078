from django.contrib.admin.apps import AdminConfig


class AuthoringAdminConfig(AdminConfig):
    default_site = "edu_platform.admin_site.AuthoringAdminSite"
