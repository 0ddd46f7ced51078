#!/usr/bin/env bash
# `make run`: migrate, load the demo module and users, start web + Celery worker + beat.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export PATH="$PWD/.venv/bin:$PATH"
# shellcheck source=scripts/demo-env.sh
source scripts/demo-env.sh

$BIN/python manage.py migrate --noinput
# With DEBUG off, WhiteNoise serves the collected (hashed, compressed) static files.
$BIN/python manage.py collectstatic --noinput --verbosity 0
$BIN/python manage.py loaddata fixtures/demo-users.json fixtures/lab-values.json
$BIN/python manage.py load_module fixtures/mcn-module.json
$BIN/python manage.py ensure_lti_key

if $BIN/python - <<'PY'
import os, sys
import redis
try:
    redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=1).ping()
except Exception:
    sys.exit(1)
PY
then
  processes="web worker beat"
else
  cat <<MSG

  ***************************************************************************
  *  Redis is not reachable at $REDIS_URL.
  *  Running without Celery: tasks run in-process in the web server, the
  *  cache is in-process, and periodic jobs (sweeper, daily emails) do not run.
  *  Start Redis and run 'make run' again for the real pipeline.
  ***************************************************************************

MSG
  export CELERY_TASK_ALWAYS_EAGER=true CACHE_IN_PROCESS=true
  processes="web"
fi

cat <<MSG

  The platform is starting at  http://127.0.0.1:$PORT/
  Authoring (Django admin):    http://127.0.0.1:$PORT/admin/

  Demo logins (username / password):
    student   / learn-heel-pain     a learner (also: student2)
    educator  / author-heel-pain    an educator: authors in the admin
    admin     / admin-heel-pain     a superuser

  Press Ctrl+C to stop.

MSG
exec $BIN/honcho start $processes
