#!/usr/bin/env bash
# Installs what the two README commands need and checks the rest. Idempotent; nothing to do by hand.
# Prints one line per problem and exits non-zero when something required is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "setup: $*" >&2; exit 1; }

command -v dotnet >/dev/null || fail "the .NET SDK is not on PATH (global.json pins 10.0.100 or later)"
command -v node >/dev/null || fail "node is not on PATH: install Node.js 20 or later"
command -v npm >/dev/null || fail "npm is not on PATH: install Node.js 20 or later"
command -v setsid >/dev/null || fail "setsid is missing: install Debian's util-linux package"

# npm packages, exactly as package-lock.json pins them. Re-run when the lockfile changed since the last install.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2 || fail "npm ci failed"
fi
[[ -x node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil ]] || fail "anvil is missing from node_modules after npm ci"

# libsodium: the only Ed25519/X25519 implementation (src/Identity/Internal/Sodium.cs).
if ! ldconfig -p 2>/dev/null | grep -q 'libsodium.so.23'; then
  if [[ $(id -u) -eq 0 ]]; then
    echo "setup: installing Debian's libsodium23 package" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq libsodium23 >&2 || fail "apt-get install libsodium23 failed"
  else
    fail "libsodium.so.23 not found: run 'sudo apt-get install libsodium23'"
  fi
fi

# PostgreSQL server binaries for the private cluster, unless the operator gives a server.
if [[ -z "${EHR_POSTGRES:-}" && -z "${EHR_PG_BIN:-}" ]] && ! compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then
    echo "setup: installing Debian's postgresql package (server binaries for the private cluster)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2 || fail "apt-get install postgresql failed"
  else
    fail "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin: run 'sudo apt-get install postgresql', or set EHR_POSTGRES"
  fi
fi

if [[ $(id -u) -eq 0 && -z "${EHR_POSTGRES:-}" ]]; then
  command -v setpriv >/dev/null || fail "setpriv is missing: install Debian's util-linux package"
  id postgres >/dev/null 2>&1 || fail "running as root needs the 'postgres' system user: install Debian's postgresql package"
fi
