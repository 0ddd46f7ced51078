"""The tool's signing keys, published at /lti/jwks/ for platforms to check what it signs (deep
linking responses, grade passback tokens). Rotated monthly: a new key signs from then on; older
ones stay in the JWKS for KEY_OVERLAP_DAYS, so a platform's cached copy keeps verifying."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from lti_tool.models import Key

KEY_OVERLAP_DAYS = 7


def ensure_key() -> bool:
    """Make the first key if there is none; True when one was made."""
    with transaction.atomic():
        if Key.objects.select_for_update().active().exists():
            return False
        Key.objects.generate()
        return True


@transaction.atomic
def rotate_keys(*, now: datetime) -> int:
    """A new key; keys older than the overlap retired. Returns how many were retired."""
    Key.objects.generate()
    retired: int = (
        Key.objects.active()
        .filter(datetime_created__lt=now - timedelta(days=KEY_OVERLAP_DAYS))
        .update(is_active=False)
    )
    return retired
