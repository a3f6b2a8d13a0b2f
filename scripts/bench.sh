#!/usr/bin/env bash
# The `bench` command: BenchmarkDotNet over the hot components (parser, window state, Redis feature store, ONNX scoring).
# Arguments go to BenchmarkDotNet, e.g. `scripts/bench.sh --filter '*Parser*'` or `--job short`.
# Results land in BenchmarkDotNet.Artifacts/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 0 ] && set -- --filter '*'
exec dotnet run -c Release --project tests/StreamScoring.Benchmarks -- "$@"
