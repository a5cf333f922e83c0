#!/usr/bin/env bash
# Makes sure headless Chromium is there before the tests run (`npm test` runs this as `pretest`):
# test/report/html-browser.test.ts opens the HTML report in it, and fails rather than skips
# without it. On a Debian machine run as root (CI, a fresh dev box) it installs Debian's
# `chromium` package; elsewhere it says what to install and fails.
set -euo pipefail

chromium="${LOCKDEP_CHROMIUM:-/usr/bin/chromium}"
[[ -x "$chromium" ]] && exit 0

if command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" -eq 0 ]]; then
  echo "pretest: installing Debian's chromium for the HTML report test" >&2
  apt-get update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >&2
  exit 0
fi

echo "pretest: the tests need headless Chromium at $chromium; install Debian's chromium package (or set LOCKDEP_CHROMIUM)" >&2
exit 1
