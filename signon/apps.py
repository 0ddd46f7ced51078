from django.apps import AppConfig


class SignonConfig(AppConfig):
    name = "signon"
    verbose_name = "Single sign-on"
    default_auto_field = "django.db.models.BigAutoField"
