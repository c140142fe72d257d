#!/usr/bin/env bash
# The first README command: installs what is missing, then starts the service on its embedded defaults
# (a private PostgreSQL and a local anvil with the contracts deployed, data kept in .ehr/) unless EHR_* says otherwise.
# Ctrl-C stops the service, the database and the chain.
set -euo pipefail
cd "$(dirname "$0")"
eng/setup.sh
export EHR_DATA_DIR="${EHR_DATA_DIR:-$PWD/.ehr}"
echo "Building the service..." >&2
dotnet build src/Api/IdentityEhr.Api.csproj -c Release --nologo -v quiet -clp:ErrorsOnly >&2
exec dotnet run --project src/Api/IdentityEhr.Api.csproj -c Release --no-build -- "$@"
