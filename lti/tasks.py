from celery import shared_task
from django.utils import timezone


@shared_task
def rotate_lti_keys() -> int:
    from lti.keys import rotate_keys

    return rotate_keys(now=timezone.now())
