from django.apps import AppConfig


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cases"
    verbose_name = "Clinical cases"

    def ready(self) -> None:
        # Case attempts and published cases join the question bank's lifecycle and rules.
        from cases import hooks

        hooks.register()
