#!/usr/bin/env bash
# Cuts a release: npm run release -- X.Y.Z
#  1. checks: on main, clean tree, CHANGELOG.md has a "## [X.Y.Z]" section
#  2. sets the version in package.json and src/constants.ts (it is in the User-Agent), rebuilds dist/,
#     type-checks, lints, runs the tests, and commits "Release vX.Y.Z" (if the version changed)
#  3. tags vX.Y.Z and moves the major tag (v1) to it
# It pushes nothing: it prints the push commands. The release workflow then publishes the GitHub release.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${1:-}"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "usage: npm run release -- X.Y.Z" >&2; exit 2; }
major="v${version%%.*}"
tag="v$version"

[ "$(git rev-parse --abbrev-ref HEAD)" = main ] || { echo "Release from main." >&2; exit 1; }
[ -z "$(git status --porcelain)" ] || { echo "The work tree has changes: commit or stash them first." >&2; exit 1; }
git rev-parse -q --verify "refs/tags/$tag" >/dev/null && { echo "$tag already exists." >&2; exit 1; }
grep -q "^## \[$version\]" CHANGELOG.md || { echo "CHANGELOG.md has no '## [$version]' section." >&2; exit 1; }

if [ "$(node -p "require('./package.json').version")" != "$version" ]; then
  npm version --no-git-tag-version "$version" >/dev/null
  sed -i -E "s/^export const ACTION_VERSION = '[^']*'/export const ACTION_VERSION = '$version'/" src/constants.ts
  npm run package
fi
# dist/ was just rebuilt from this source, so type-check, lint and test (npm run check would flag the new dist/).
npm run typecheck
npm run lint
npm test
if [ -n "$(git status --porcelain)" ]; then
  git commit -qam "Release $tag"
fi

git tag -a "$tag" -m "Release $tag"
git tag -fa "$major" -m "Move $major to $tag"
echo
echo "Tagged $tag and moved $major. Publish with:"
echo "  git push origin main $tag && git push --force origin $major"
