#!/usr/bin/env bash
# Refreshes docs/screenshots/*.png: the browser tests take them when RENKEI_SCREENSHOTS=1.
# Japanese text needs a Japanese font in Chromium (Debian's fonts-ipafont-gothic).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! fc-list 2>/dev/null | grep -qi 'ipa'; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-ipafont-gothic >/dev/null
  else
    echo "screenshots: install fonts-ipafont-gothic, or Japanese text shows as boxes" >&2
  fi
fi
npm run --silent build:web
RENKEI_SCREENSHOTS=1 npx vitest run test/web
