#!/usr/bin/env bash
# Builds spire-server and spire-agent v1.13.3 from the Go module proxy (this
# directory is a module of its own, so the project's go.mod does not grow by
# SPIRE's ~340 requirements) and installs them into a cache directory outside
# the repository:
#
#   ${WIMSE_SPIRE_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/wimse/spire-v1.13.3/bin}
#
# It is a no-op when both binaries are already there and report version
# 1.13.3. Needs cgo and a C compiler (SPIRE's sqlite3 datastore). A cold build
# took 10.5 minutes on 2 busy cores (4.8 on idle ones) and grows the Go build
# cache by ~2.7 GB; a rebuild from the Go build cache (into an empty directory)
# took 58 s, mostly linking.
#
# The interop tests read the same directory: see interop/spire/doc.go.
set -euo pipefail
cd "$(dirname "$0")"

version=1.13.3
bin=${WIMSE_SPIRE_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/wimse/spire-v$version/bin}

have() {
  # --version prints 1.13.3-dev-unk for a build from the module proxy.
  local out
  [ -x "$bin/$1" ] || return 1
  out=$("$bin/$1" --version 2>&1) || return 1
  case "$out" in "$version" | "$version"-*) return 0 ;; *) return 1 ;; esac
}

if have spire-server && have spire-agent; then
  echo "spire: v$version already in $bin"
  exit 0
fi

mkdir -p "$bin"
echo "spire: building v$version into $bin (cold: 5 to 11 min on 2 cores)"
start=$SECONDS
CGO_ENABLED=1 GOBIN=$bin go install \
  github.com/spiffe/spire/cmd/spire-server \
  github.com/spiffe/spire/cmd/spire-agent
for b in spire-server spire-agent; do
  if ! have "$b"; then
    echo "spire: $bin/$b does not report version $version" >&2
    exit 1
  fi
done
echo "spire: built v$version in $((SECONDS - start)) s"
