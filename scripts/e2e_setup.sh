#!/usr/bin/env bash
# Browser-side tools of the end-to-end suite: axe-core, pinned by tests/e2e/package-lock.json.
# Idempotent: does nothing once installed. Without Chromium the e2e tests are skipped, so npm is
# only required when /usr/bin/chromium exists.
set -euo pipefail
cd "$(dirname "$0")/../tests/e2e"

if [ -f node_modules/axe-core/axe.min.js ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  if [ -x /usr/bin/chromium ]; then
    echo "e2e_setup: npm is missing (apt-get install nodejs npm); axe-core cannot be installed" >&2
    exit 1
  fi
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
