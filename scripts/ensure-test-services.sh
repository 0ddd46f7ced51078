#!/usr/bin/env bash
# What the test suite needs beyond Python packages: PostgreSQL, Redis and Debian's Chromium.
# Starts the services when they are down and installs Chromium when missing (as root).
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; }

if ! pg_up && command -v pg_ctlcluster >/dev/null; then
  echo "Starting PostgreSQL..."
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 30); do pg_up && break; sleep 1; done
fi
if ! redis_up && command -v redis-server >/dev/null; then
  echo "Starting Redis..."
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  for _ in $(seq 30); do redis_up && break; sleep 0.5; done
fi
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

status=0
pg_up || { echo "PostgreSQL is not reachable on 127.0.0.1:5432." >&2; status=1; }
redis_up || { echo "Redis is not reachable on 127.0.0.1:6379." >&2; status=1; }
[ -x /usr/bin/chromium ] || { echo "Debian's chromium is missing (/usr/bin/chromium)." >&2; status=1; }
if [ "$status" != 0 ] && [ -n "${CI:-}" ]; then
  echo "CI is set: the suite needs every service." >&2
  exit 1
fi
exit 0
