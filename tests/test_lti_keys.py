"""The LTI tool's keys: made once, rotated with an overlap, published at /lti/jwks/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from lti_tool.models import Key

from lti.keys import KEY_OVERLAP_DAYS, ensure_key, rotate_keys

pytestmark = pytest.mark.django_db


def published(client) -> set[str]:
    """The public keys in the tool's JWKS, by modulus."""
    return {key["n"] for key in client.get("/lti/jwks/").json()["keys"]}


def modulus(key: Key) -> str:
    return str(key.as_jwk()["n"])


def test_the_first_key_is_made_once():
    assert ensure_key() is True
    assert ensure_key() is False
    assert Key.objects.count() == 1


def test_rotation_publishes_the_new_key_and_retires_old_ones_after_the_overlap(client):
    ensure_key()
    old = Key.objects.get()
    Key.objects.filter(pk=old.pk).update(
        datetime_created=timezone.now() - timedelta(days=KEY_OVERLAP_DAYS + 1)
    )
    assert published(client) == {modulus(old)}

    assert rotate_keys(now=timezone.now()) == 1
    new = Key.objects.active().get()
    assert new.pk != old.pk
    assert published(client) == {modulus(new)}


def test_a_key_younger_than_the_overlap_stays_published(client):
    ensure_key()
    first = Key.objects.get()
    rotate_keys(now=timezone.now())
    assert published(client) == {modulus(key) for key in Key.objects.all()}
    assert modulus(first) in published(client)
