#!/usr/bin/env bash
# Integration test of the bplint golangci-lint module plugin: builds (or
# reuses) golangci-lint v2.15.0 with the plugin by build.sh, without
# GitHub, then runs golangci_test.go on the fixture module in
# testdata/fixture with the repository's .golangci.example.yml.
#
# Usage: scripts/golangci/test.sh [go test flags, e.g. -run TestFix]
# Environment:
#   BPLINT_GOLANGCI_LINT     use this binary instead of building one
#   BPLINT_GOLANGCI_STRICT=1 fail, rather than skip, the expectations of
#                            analyzers that report nothing yet
#   BPLINT_GCL_CACHE, BPLINT_GCL_VERSION: see build.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export GOWORK=off

if [ -z "${BPLINT_GOLANGCI_LINT:-}" ]; then
	BPLINT_GOLANGCI_LINT="$("$here/build.sh")"
fi
export BPLINT_GOLANGCI_LINT
echo "golangci/test.sh: testing $BPLINT_GOLANGCI_LINT ($("$BPLINT_GOLANGCI_LINT" version 2>&1 | head -n1))" >&2

cd "$here"
go vet .
go test -count=1 -v "$@" .
