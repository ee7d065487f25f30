#!/usr/bin/env bash
# The corpus slice that CI runs (.ci/run): nsq at its pin in
# internal/corpus/modules.txt, fetched through the module proxy into a
# fresh corpus directory, analyzed by bplint (no panic, no analysis error,
# every package loads), then the fix check (every fix applied in a scratch
# copy; go build and go vet pass as before; gofmt'd; no fixed finding
# reported again). Exits non-zero on any of these.
#
# BPLINT_CORPUS_COLD=1 also uses an empty module cache, as a clean machine
# has. The full run is documented in docs/corpus.md.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d "${TMPDIR:-/tmp}/bplint-corpus-ci.XXXXXX")
cleanup() {
  if [ "${BPLINT_CORPUS_COLD:-}" = 1 ]; then
    GOMODCACHE="$work/modcache" go clean -modcache >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
if [ "${BPLINT_CORPUS_COLD:-}" = 1 ]; then
  export GOMODCACHE="$work/modcache"
fi

go run ./internal/corpus \
  -modules=nsq \
  -fixcheck \
  -fail-on-load-errors \
  -timeout=15m \
  -corpus-dir="$work/corpus" \
  -report="$work/corpus.md"
