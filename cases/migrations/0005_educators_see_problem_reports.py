"""Educators read and resolve learners' problem reports on questions."""

from django.db import migrations

from cases.migrations._educators import grant, revoke

CODENAMES = ["view_problemreport", "change_problemreport"]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_case_attempts"),
        ("quizzes", "0003_reports_and_sections"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, _: grant(apps, "quizzes", CODENAMES),
            lambda apps, _: revoke(apps, "quizzes", CODENAMES),
        )
    ]
