"""Who a person is at an outside identity provider: the provider's issuer and its subject id.

A sign-on (OpenID Connect today; LTI launches use the same pair) finds its user by this pair
alone, never by e-mail: an e-mail address can be reassigned or typed by anyone at a provider
that does not verify it, so matching on it would let one person into another's account.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ExternalIdentity(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    issuer = models.CharField(max_length=255, help_text="The provider's issuer URL (iss).")
    subject = models.CharField(
        max_length=255, help_text="The provider's stable id of this person (sub)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "external identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="unique_external_identity")
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"
