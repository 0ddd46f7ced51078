# Sourced by run-demo.sh (and its test): the environment of a local demo.
# DEBUG is off, as in production, so a wrong address shows the site's own 404 page and never
# Django's debug page listing every URL. The demo is served over plain http://127.0.0.1, so it
# turns off what only makes sense behind HTTPS: the redirect, secure-only cookies and HSTS.
export DJANGO_DEBUG="${DJANGO_DEBUG:-false}"
export DJANGO_SECURE_SSL_REDIRECT="${DJANGO_SECURE_SSL_REDIRECT:-false}"
export DJANGO_SECURE_COOKIES="${DJANGO_SECURE_COOKIES:-false}"
export DJANGO_HSTS_SECONDS="${DJANGO_HSTS_SECONDS:-0}"
# A key of this machine's own, kept between runs so logins survive a restart (never committed).
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  DEMO_SECRET_KEY_FILE="${DEMO_SECRET_KEY_FILE:-.demo-secret-key}"
  if [ ! -s "$DEMO_SECRET_KEY_FILE" ]; then
    (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(50))' > "$DEMO_SECRET_KEY_FILE")
  fi
  DJANGO_SECRET_KEY="$(cat "$DEMO_SECRET_KEY_FILE")"
  export DJANGO_SECRET_KEY
fi
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export PORT="${PORT:-8000}"
