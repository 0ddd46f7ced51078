from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "quizzes"
    verbose_name = "Question bank and quizzes"

    def ready(self) -> None:
        # Created tests are a kind of attempt (registered on import, like the quiz kind).
        from quizzes.practice import builder  # noqa: F401
