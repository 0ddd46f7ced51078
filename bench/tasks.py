"""The no-op task the grading rate is compared with: same app, broker, queue and worker."""

from celery import shared_task


@shared_task(name="bench.noop")
def noop(response_id: int) -> None:
    """Takes the same argument as quizzes.tasks.grade_response and does nothing with it."""
