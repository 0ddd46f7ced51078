"""Figures move to the question bank (quizzes 0005); nothing changes in the database."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_educators_grant_extra_time'),
        ('quizzes', '0005_figures_join_the_question_bank'),
    ]

    operations = [
        # State only: the tables now belong to quizzes.Figure and quizzes.FigureRegion.
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.RemoveField(
            model_name='figureregion',
            name='figure',
        ),
        migrations.AlterField(
            model_name='casestage',
            name='figures',
            field=models.ManyToManyField(blank=True, related_name='stages', to='quizzes.figure'),
        ),
        migrations.DeleteModel(
            name='Figure',
        ),
        migrations.DeleteModel(
            name='FigureRegion',
        ),
            ],
            database_operations=[],
        ),
    ]
