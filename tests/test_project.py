"""Project-level promises: migrations in step with models, production settings deploy-clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_makemigrations_is_clean():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_check_deploy_is_clean_with_production_settings():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "DJANGO_SETTINGS_MODULE": "edu_platform.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "a-production-key-" + "q8Zr" * 12,
        "DJANGO_ALLOWED_HOSTS": "meded.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_each_gunicorn_gets_a_control_socket_of_its_own():
    web = next(
        line
        for line in (settings.BASE_DIR / "Procfile").read_text().splitlines()
        if line.startswith("web:")
    )
    assert "--control-socket" in web
    assert "${PORT" in web.split("--control-socket", 1)[1]  # one per instance


def test_make_run_installs_what_running_needs_and_no_test_tools(tmp_path):
    venv = tmp_path / "venv"  # a fresh place, so make has something to install
    plan = subprocess.run(
        ["make", "-n", "run", f"VENV={venv}"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "pip install --quiet ." in plan
    assert ".[test]" not in plan


def test_make_run_serves_with_debug_off_over_plain_http(tmp_path):
    """The demo must never show Django's debug page (it lists every URL); being on
    http://127.0.0.1, it cannot redirect to HTTPS or send secure-only cookies either."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEMO_"))}
    env["DEMO_SECRET_KEY_FILE"] = str(tmp_path / "key")
    probe = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, bool(s.SECRET_KEY))"
    )
    result = subprocess.run(
        [
            "bash",
            "-c",
            f'source scripts/demo-env.sh && "{sys.executable}" manage.py shell -v 0 -c "$0"',
            probe,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "False", "False", "0", "True"]
    run_demo = (ROOT / "scripts" / "run-demo.sh").read_text()
    assert "source scripts/demo-env.sh" in run_demo
    assert "manage.py collectstatic --noinput" in run_demo
