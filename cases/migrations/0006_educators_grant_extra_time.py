"""Educators grant exam accommodations (extra time) in the admin."""

from django.db import migrations

from cases.migrations._educators import grant, revoke

CODENAMES = [f"{action}_examaccommodation" for action in ("add", "change", "delete", "view")]


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_educators_see_problem_reports")]

    operations = [
        migrations.RunPython(
            lambda apps, _: grant(apps, "quizzes", CODENAMES),
            lambda apps, _: revoke(apps, "quizzes", CODENAMES),
        )
    ]
