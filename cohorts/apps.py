from django.apps import AppConfig


class CohortsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cohorts"
    verbose_name = "Classes"

    def ready(self) -> None:
        # Assignments hold exam results back and steer the review queue through the question
        # bank's hooks: the question bank never names this app.
        from cohorts import hooks

        hooks.register()
