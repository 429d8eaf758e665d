#!/usr/bin/env bash
# Cuts a release: npm run release -- X.Y.Z
#  1. checks: on main, clean tree, CHANGELOG.md has a "## [X.Y.Z]" section
#  2. sets the version in package.json (the User-Agent reads it at build time), rebuilds dist/,
#     type-checks, lints, runs the tests, and commits "Release vX.Y.Z" (if the version changed)
#  3. runs the project's checks (scripts/check.sh, as CI does) and tags vX.Y.Z
# It pushes nothing: it prints the push command. Pushing the tag runs the release workflow: the same checks,
# then, in the protected `release` environment, the GitHub release and the move of the major tag (v1).
set -euo pipefail
cd "$(dirname "$0")/.."

version="${1:-}"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "usage: npm run release -- X.Y.Z" >&2; exit 2; }
tag="v$version"

[ "$(git rev-parse --abbrev-ref HEAD)" = main ] || { echo "Release from main." >&2; exit 1; }
[ -z "$(git status --porcelain)" ] || { echo "The work tree has changes: commit or stash them first." >&2; exit 1; }
git rev-parse -q --verify "refs/tags/$tag" >/dev/null && { echo "$tag already exists." >&2; exit 1; }
grep -q "^## \[$version\]" CHANGELOG.md || { echo "CHANGELOG.md has no '## [$version]' section." >&2; exit 1; }

if [ "$(node -p "require('./package.json').version")" != "$version" ]; then
  # The User-Agent's version is read from package.json when dist/ is built.
  npm version --no-git-tag-version "$version" >/dev/null
  npm run package
fi
if [ -n "$(git status --porcelain)" ]; then
  git commit -qam "Release $tag"
fi
# The same checks as CI, on the commit that will be tagged.
bash scripts/check.sh

git tag -a "$tag" -m "Release $tag"
echo
echo "Tagged $tag. Publish with:"
echo "  git push origin main $tag"
echo "The release workflow checks the tag again, then (once approved in the release environment)"
echo "publishes the GitHub release and moves the major tag to it."
