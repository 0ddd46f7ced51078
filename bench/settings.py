"""The production settings plus the benchmark's baselines, selected only by the harness.

`DJANGO_SETTINGS_MODULE=bench.settings` is set by bench/run.py for the processes it starts;
nothing in production names this module, so the baseline routes (bench.urls) and the no-op task
(bench.tasks) cannot be reached there. Every other setting is edu_platform.settings unchanged,
read from the same environment variables.
"""

from edu_platform.settings import *  # noqa: F403
from edu_platform.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
CELERY_IMPORTS = ["bench.tasks"]
# collectstatic for the run goes beside the run's other files, not into the shared tree.
STATIC_ROOT = BASE_DIR / "bench" / "out" / "staticfiles"
# The same hashed file names as production, without whitenoise's gzip and brotli copies: they
# cost 20 s of collectstatic per run and no request measured here fetches a static file.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
