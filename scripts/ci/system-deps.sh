#!/usr/bin/env bash
# No system packages to install: the HTML report test fetches headless Chromium itself (scripts/test/chromium.ts:
# Debian's package and the libraries this machine lacks, unpacked into .cache/chromium without touching the
# system, as scripts/obs/binaries.mjs does for Prometheus). This only warms that cache before the test run.
set -euo pipefail
cd "$(dirname "$0")/../.."
npx tsx scripts/test/chromium.ts >/dev/null
