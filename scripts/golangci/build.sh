#!/usr/bin/env bash
# Builds a custom golangci-lint with the bplint module plugin, without
# GitHub: `golangci-lint custom` always git-clones golangci-lint from
# GitHub, so this script does what it does from the module source that
# the Go module proxy serves instead:
#
#   1. go mod download github.com/golangci/golangci-lint/v2@$VERSION
#   2. copy the source out of the (read-only) module cache
#   3. write cmd/golangci-lint/plugins.go importing the plugin
#   4. go mod edit -replace github.com/bplint/bplint=<this repository>
#   5. go mod tidy; go build ./cmd/golangci-lint
#
# The binary is cached under
#   ${BPLINT_GCL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bplint}/golangci-$VERSION-<hash>/golangci-lint
# where <hash> covers every input of the build: this script, the
# golangci-lint version, the Go toolchain, the repository's go.mod and
# go.sum, and the content of each Go (and embedded) file of the
# repository's packages that the plugin links in. A rerun with the same
# inputs reuses the binary; only the three newest builds are kept.
#
# Usage: scripts/golangci/build.sh [--force]
# Prints the path of the binary on stdout; progress goes to stderr.
# Environment: BPLINT_GCL_VERSION (default v2.15.0), BPLINT_GCL_CACHE.
set -euo pipefail

version="${BPLINT_GCL_VERSION:-v2.15.0}"
gcl_module=github.com/golangci/golangci-lint/v2
bplint_module=github.com/bplint/bplint
plugin_import=github.com/bplint/bplint/plugin

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache_root="${BPLINT_GCL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bplint}"
force=false
case "${1:-}" in
--force) force=true ;;
"") ;;
*)
	echo "usage: $0 [--force]" >&2
	exit 2
	;;
esac

log() { echo "golangci/build.sh: $*" >&2; }

# A go.work above the repository or the cache must not take part.
export GOWORK=off

# inputs lists "sha256  relative-path" for every file that goes into
# the binary from this repository, plus the build recipe and toolchain.
inputs() {
	echo "golangci-lint $version"
	go env GOVERSION GOOS GOARCH CGO_ENABLED
	(cd "$here" && sha256sum build.sh)
	cd "$repo"
	sha256sum go.mod go.sum
	# Files of this module's packages that the plugin imports, relative
	# to the repository so that every clone shares the cache.
	go list -deps -f '{{if and .Module (eq .Module.Path "'"$bplint_module"'")}}{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}}
{{end}}{{range .CgoFiles}}{{$d}}/{{.}}
{{end}}{{range .EmbedFiles}}{{$d}}/{{.}}
{{end}}{{end}}' ./plugin |
		sed "s|^$repo/||" | LC_ALL=C sort -u | xargs -r sha256sum
}

hash="$(inputs | sha256sum | cut -c1-16)"
dir="$cache_root/golangci-$version-$hash"
bin="$dir/golangci-lint"

if ! $force && [ -x "$bin" ]; then
	log "cached: $bin"
	echo "$bin"
	exit 0
fi

mkdir -p "$cache_root"
exec 9>"$cache_root/.lock"
flock 9
if ! $force && [ -x "$bin" ]; then # built by a concurrent run
	log "cached: $bin"
	echo "$bin"
	exit 0
fi

start=$(date +%s)
work="$(mktemp -d "$cache_root/build.XXXXXX")"
trap 'chmod -R u+w "$work" 2>/dev/null || true; rm -rf "$work"' EXIT

log "downloading $gcl_module@$version through the module proxy"
srcdir="$(cd "$work" && go mod download -json "$gcl_module@$version" |
	sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
if [ ! -f "$srcdir/go.mod" ]; then
	log "go mod download gave no source directory for $gcl_module@$version"
	exit 1
fi

log "copying $srcdir"
cp -R "$srcdir" "$work/src"
chmod -R u+w "$work/src"
cd "$work/src"

# What `golangci-lint custom` writes (pkg/commands/internal/imports.go).
cat >cmd/golangci-lint/plugins.go <<EOF
package main

import (
	_ "$plugin_import"
)
EOF

log "go mod edit -replace $bplint_module=$repo"
go mod edit -replace "$bplint_module=$repo"

log "go mod tidy"
GOFLAGS="${GOFLAGS:-} -mod=mod" go mod tidy

# x/tools is shared by golangci-lint and bplint: minimal version
# selection picks the higher of the two, so report what was chosen.
log "golang.org/x/tools: golangci-lint $version requires $(go mod edit -json "$srcdir/go.mod" | sed -n '/"Path": "golang.org\/x\/tools"/{n;s/.*"Version": "\(.*\)".*/\1/p}'), bplint requires $(go mod edit -json "$repo/go.mod" | sed -n '/"Path": "golang.org\/x\/tools"/{n;s/.*"Version": "\(.*\)".*/\1/p}'), the build uses $(go list -m -f '{{.Version}}' golang.org/x/tools)"

log "go build ./cmd/golangci-lint"
go build -trimpath \
	-ldflags "-s -w -X 'main.version=${version#v}-custom-gcl-bplint-$hash' -X 'main.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)'" \
	-o "$work/golangci-lint" ./cmd/golangci-lint

mkdir -p "$dir"
cp go.mod "$dir/go.mod"
mv "$work/golangci-lint" "$bin"
log "built $bin in $(($(date +%s) - start))s ($(du -h "$bin" | cut -f1))"

# Keep the three newest builds of this version.
ls -1dt "$cache_root/golangci-$version"-*/ 2>/dev/null | tail -n +4 | while read -r old; do
	log "removing old build $old"
	rm -rf "$old"
done

echo "$bin"
