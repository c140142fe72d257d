#!/usr/bin/env bash
# The second README command: builds everything with warnings as errors and runs every test (unit, integration,
# interop) against a real PostgreSQL and a real anvil that the tests' fixtures start. Ends with the line
# "N passed, N failed, N skipped" and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
eng/setup.sh

results="$PWD/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

restore_mode=()
[[ "${CI:-}" == "true" ]] && restore_mode=(--locked-mode)
dotnet restore IdentityEhr.sln "${restore_mode[@]}" --nologo -v quiet
dotnet build IdentityEhr.sln -c Release --no-restore --nologo -warnaserror -clp:ErrorsOnly

set +e
dotnet test IdentityEhr.sln -c Release --no-build --nologo --results-directory "$results"
status=$?
set -e

# Sum the counters of every test assembly's TRX report. xUnit's skipped tests are TRX "notExecuted".
passed=0 failed=0 skipped=0 reports=0
for trx in "$results"/*.trx; do
  [[ -e "$trx" ]] || continue
  reports=$((reports + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done

projects=$(find tests -name '*Tests.csproj' | wc -l)
if (( reports < projects )); then
  echo "test: only $reports of $projects test assemblies wrote a report; a test host crashed" >&2
  failed=$((failed + projects - reports))
fi

echo "$passed passed, $failed failed, $skipped skipped"
if (( status != 0 || failed > 0 )); then
  exit 1
fi
