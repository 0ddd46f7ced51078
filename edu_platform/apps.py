from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class AuthoringAdminConfig(AdminConfig):
    default_site = "edu_platform.admin_site.AuthoringAdminSite"


class PlatformConfig(AppConfig):
    """The project's own app: accounts, tokens, the home page and their templates."""

    name = "edu_platform"
    verbose_name = "Platform"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from edu_platform import accounts

        user_logged_out.connect(accounts.revoke_tokens_on_logout, dispatch_uid="revoke-tokens")
