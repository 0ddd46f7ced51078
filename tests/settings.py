"""The test run: production settings with a throwaway key and a fast password hasher."""

import os

from edu_platform.settings import *  # noqa: F403

SECRET_KEY = "tests-only-" + "t" * 50
# MD5 for speed; PBKDF2 so the demo users' real hashes still verify.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
SECURE_SSL_REDIRECT = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405

# The suite uses its own Redis databases so a running demo's worker never takes its tasks.
CELERY_BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
CACHES["default"]["LOCATION"] = os.environ.get("TEST_CACHE_URL", "redis://127.0.0.1:6379/13")  # noqa: F405
