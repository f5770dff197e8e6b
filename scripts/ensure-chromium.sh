#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through playwright-core (which never downloads a
# browser of its own). Install it where we can; without it those tests are reported as skipped.
set -u
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing Debian's chromium for the browser tests ..."
  (apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1; }) \
    || echo "could not install chromium: the browser tests will be skipped"
else
  echo "no Chromium at /usr/bin/chromium (Debian: sudo apt-get install chromium): the browser tests will be skipped"
fi
exit 0
