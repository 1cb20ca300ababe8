#!/usr/bin/env bash
# `npm test`: install what is missing, then run everything — type check, unit tests (Node, tfjs cpu and
# wasm), site build, and the end-to-end suite in Debian's Chromium (webgpu, webgl, wasm).
# Works on a fresh Debian machine with Node 20, as root (or with sudo for apt-get).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p tests/output

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# 1. Node modules: install when absent or when package-lock.json changed since the last install.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm install`, not `npm ci`: npm 11.19 writes lock files without the other platforms' optional
  # packages (@rollup/rollup-darwin-*, ...) and then its own `npm ci` refuses that lock as out of sync.
  # `npm install` installs the locked versions just the same and leaves the lock unchanged.
  step "installing node modules (npm install, from package-lock.json)"
  npm install --no-audit --no-fund
fi

# 2. Chromium for the e2e suite, from Debian (never a downloaded browser build).
if [ ! -x /usr/bin/chromium ]; then
  step "installing Debian's chromium"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium fonts-dejavu-core
fi

# 3. PostgreSQL for the store tests (they start a throwaway cluster themselves), from Debian.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  step "installing Debian's postgresql"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q postgresql
fi

step "type check"
npx astro sync >/dev/null
npx tsc --noEmit -p tsconfig.json
npx astro check   # the .astro files, which tsc does not read (about 20 s)

results=tests/output/results
mkdir -p "$results"
rm -f "$results"/*.json

step "unit tests (vitest, Node)"
unit_rc=0
npx vitest run --config vitest.config.ts --reporter=default --reporter=json \
  --outputFile.json="$results/unit.json" || unit_rc=$?

step "build the site"
GLIMPSE_TEST_PAGES=1 npx astro build   # with /test/* pages, which only the e2e suite uses (src/test-pages)

step "end-to-end tests (vitest + playwright-core, Debian Chromium)"
e2e_rc=0
npx vitest run --config vitest.e2e.config.ts --reporter=default --reporter=json \
  --outputFile.json="$results/e2e.json" || e2e_rc=$?

# One closing line for CI: "N passed, N failed".
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of ["unit", "e2e"]) {
    const p = `'"$results"'/${f}.json`;
    if (!fs.existsSync(p)) { failed += 1; console.error(`no ${f} results: the ${f} run did not finish`); continue; }
    const r = JSON.parse(fs.readFileSync(p, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    // A file that fails to load counts as a failure even though it ran no test.
    failed += (r.testResults ?? []).filter((t) => t.status === "failed" && !(t.assertionResults ?? []).length).length;
  }
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
'
[ "$unit_rc" -eq 0 ] && [ "$e2e_rc" -eq 0 ]
