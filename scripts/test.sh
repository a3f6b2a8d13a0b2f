#!/usr/bin/env bash
# Runs the whole test suite (every test project in StreamScoring.sln) and ends with one line
# "N passed, N failed" summed over all test assemblies. Exit status: 0 only when all pass.
# First installs what the tests need (scripts/require.sh) or stops with the command to run.
set -uo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/require.sh
. scripts/require.sh
require_packages "${TEST_REQUIREMENTS[@]}" || exit 1
# The restore, the build (copy-local files are hard links into the NuGet cache, see
# Directory.Build.props) and the tests' temporary files together need about 3 GiB.
require_disk_space 3072 . || exit 1

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Build once (in parallel), then run the test assemblies one at a time (-m:1): the chaos and bench tests start worker
# processes and load both cores for ~12 minutes, and the integration tests' timing is easier to reason about without
# them alongside. (Two CI failures blamed on that load were races in the code and fixtures, fixed in their own
# commits; sequential running alone did not cure them.)
dotnet build StreamScoring.sln -c Release --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -eq 0 ]; then
  dotnet test StreamScoring.sln -c Release --nologo --no-build -m:1 "$@" 2>&1 | tee -a "$log"
  status=${PIPESTATUS[0]}
fi

# dotnet test prints one summary per assembly: "Passed!  - Failed: 0, Passed: 76, Skipped: 0, ..."
read -r passed failed < <(awk -F'[:,]' '/^(Passed|Failed)! +- Failed:/ { f += $2; p += $4 } END { print p + 0, f + 0 }' "$log")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # a build error or crashed test host: no summary line, but not a pass
fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
