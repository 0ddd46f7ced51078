"""Figures join the question bank (state only: the tables keep their names), questions get
type-owned settings, quizzes a number of attempts, and authoring an audit trail."""

import django.core.validators
import django.db.models.deletion
import quizzes.models
import quizzes.qtypes
from django.conf import settings
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    # Permissions (the Educators group's included) follow the models to their new app.
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="cases", model__in=["figure", "figureregion"]).update(
        app_label="quizzes"
    )


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="quizzes", model__in=["figure", "figureregion"]).update(
        app_label="cases"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('quizzes', '0004_review_state'),
        ('cases', '0006_educators_grant_extra_time'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The figure tables stay as they are (cases_figure, cases_figureregion): only Django's
        # idea of which app owns them moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Figure',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.SlugField(default=quizzes.models.new_figure_key, max_length=80, unique=True)),
                        ('title', models.CharField(max_length=200)),
                        ('image', models.FileField(help_text='An SVG or a PNG/JPEG/WebP image.', upload_to='figures/', validators=[django.core.validators.FileExtensionValidator(['svg', 'png', 'jpg', 'jpeg', 'webp', 'gif'])])),
                        ('alt_text', models.TextField(help_text='What a student who cannot see the figure needs to know from it.')),
                        ('caption', models.TextField(blank=True)),
                        ('credit', models.CharField(blank=True, help_text='Author or source.', max_length=300)),
                        ('licence', models.CharField(blank=True, max_length=100)),
                        ('width', models.FloatField(default=0, editable=False)),
                        ('height', models.FloatField(default=0, editable=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'db_table': 'cases_figure',
                        'ordering': ['title'],
                    },
                ),
                migrations.AlterField(
                    model_name='question',
                    name='figure',
                    field=models.ForeignKey(blank=True, help_text='Image hotspot only: the figure the student clicks on.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='hotspot_questions', to='quizzes.figure'),
                ),
                migrations.CreateModel(
                    name='FigureRegion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.SlugField(max_length=80)),
                        ('label', models.CharField(help_text='Seen by educators only.', max_length=200)),
                        ('points', models.JSONField(help_text="The polygon's corners in figure coordinates: [[10, 20], [80, 20], [45, 90]].")),
                        ('position', models.PositiveSmallIntegerField(default=0)),
                        ('figure', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='regions', to='quizzes.figure')),
                    ],
                    options={
                        'db_table': 'cases_figureregion',
                        'ordering': ['position', 'id'],
                    },
                ),
                migrations.AlterField(
                    model_name='hotspottarget',
                    name='region',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='targets', to='quizzes.figureregion'),
                ),
                migrations.AddConstraint(
                    model_name='figureregion',
                    constraint=models.UniqueConstraint(fields=('figure', 'key'), name='unique_region_key'),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name='question',
            name='type_settings',
            field=models.JSONField(blank=True, default=dict, editable=False, help_text="Settings only the question's type reads (see quizzes.qtypes)."),
        ),
        migrations.AddField(
            model_name='quiz',
            name='attempts_allowed',
            field=models.PositiveSmallIntegerField(blank=True, help_text="How many attempts each learner may make. Empty: the mode's default (an exam 1, a tutor quiz no limit); 0: no limit.", null=True),
        ),
        migrations.AlterField(
            model_name='attempt',
            name='kind',
            field=models.CharField(default='quiz', max_length=10),
        ),
        migrations.AlterField(
            model_name='question',
            name='type',
            field=models.CharField(choices=quizzes.qtypes.type_choices, max_length=20),
        ),
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(db_index=True, max_length=40)),
                ('object_type', models.CharField(max_length=40)),
                ('object_id', models.CharField(max_length=80)),
                ('object_repr', models.CharField(max_length=200)),
                ('version_before', models.PositiveIntegerField(blank=True, null=True)),
                ('version_after', models.PositiveIntegerField(blank=True, null=True)),
                ('detail', models.JSONField(blank=True, default=dict)),
                ('at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-at', '-id'],
                'indexes': [models.Index(fields=['object_type', 'object_id'], name='quizzes_aud_object__6013d3_idx')],
            },
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
