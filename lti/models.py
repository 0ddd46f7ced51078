"""What the LTI tool remembers beyond django-lti's own tables (registrations, deployments,
users, contexts, resource links and line items live in `lti_tool`)."""

from __future__ import annotations

from django.db import models


class UsedLaunchNonce(models.Model):
    """A launch's nonce, once accepted. pylti1p3 checks that a nonce was issued but not that it
    is used once, so a copied launch form could be posted again while its state lives; the
    unique row makes a second use fail inside the launch's transaction."""

    issuer = models.CharField(max_length=255)
    nonce = models.CharField(max_length=255)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "nonce"], name="unique_launch_nonce")
        ]

    def __str__(self) -> str:
        return f"{self.nonce} from {self.issuer}"
