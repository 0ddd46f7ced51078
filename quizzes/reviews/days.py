"""A learner's review day: the calendar day in the site's time zone (settings.TIME_ZONE).

A Review-state card is due for the whole of its due day (see scheduling.is_due).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone


@dataclass(frozen=True)
class ReviewDay:
    """The learner's calendar day: `start` <= t < `end` (aware datetimes)."""

    today: date
    start: datetime
    end: datetime


def review_day(now: datetime) -> ReviewDay:
    """The day containing `now` in the site's time zone."""
    tz = timezone.get_current_timezone()
    today = timezone.localtime(now, tz).date()
    return ReviewDay(
        today=today,
        start=datetime.combine(today, time.min, tzinfo=tz),
        end=datetime.combine(today + timedelta(days=1), time.min, tzinfo=tz),
    )


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment, timezone.get_current_timezone()).date()
