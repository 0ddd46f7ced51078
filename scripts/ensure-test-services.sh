#!/usr/bin/env bash
# What the test suite needs beyond Python packages: PostgreSQL, Redis and Debian's Chromium.
# Starts the services when they are down and installs Chromium when missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/start-services.sh
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "Debian's chromium is missing (/usr/bin/chromium): the browser tests will fail." >&2
  [ -z "${CI:-}" ] || exit 1
fi
