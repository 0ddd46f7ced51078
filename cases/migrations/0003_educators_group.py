"""The Educators group: authoring rights on cases, figures, questions and quizzes, nothing else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

AUTHORING_MODELS = {
    "quizzes": [
        "topic",
        "question",
        "option",
        "acceptedanswer",
        "orderitem",
        "matchpair",
        "hotspottarget",
        "quiz",
        "quizquestion",
    ],
    "cases": ["case", "casestage", "stagequestion", "figure", "figureregion"],
}
READ_ONLY_MODELS = {"quizzes": ["questionversion"]}


def create_educators_group(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); create them now.
    for app_label in ("quizzes", "cases"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = []
    for app_label, models in AUTHORING_MODELS.items():
        for model in models:
            codenames += [
                (app_label, f"{action}_{model}") for action in ("add", "change", "delete", "view")
            ]
    for app_label, models in READ_ONLY_MODELS.items():
        codenames += [(app_label, f"view_{model}") for model in models]
    group, _ = Group.objects.get_or_create(name="Educators")
    permissions = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in codenames
    ]
    group.permissions.set(permissions)


def remove_educators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Educators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_initial"),
        ("quizzes", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_educators_group, remove_educators_group)]
