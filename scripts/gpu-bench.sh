#!/usr/bin/env bash
# The ONNX scoring benchmark on a GPU machine that has no .NET SDK (the lent device machine: CUDA 13 and cuDNN 9 in
# its Python environment, no dotnet, no zstd, at most 64 MiB carried per call).
#
#   scripts/gpu-bench.sh package   here: self-contained publish of the benchmarks, compressed and split into
#                                  .gpuchunk/part.N (50 MB each; ONNX Runtime's CUDA provider alone is 284 MB) plus a
#                                  zstd binary in .gpuchunk/zbin. Add /.gpuchunk/ to .git/info/exclude.
#   scripts/gpu-bench.sh stage N   there, one call per part, carrying .gpuchunk/part.N: appends it to /root/stage
#                                  (the machine keeps /root while warm, 30 s after a call).
#   scripts/gpu-bench.sh run ARGS  there, carrying .gpuchunk/zbin: unpacks, checks CUDA against CPU scores and runs
#                                  OnnxScorerBenchmarks on both devices; ARGS go to BenchmarkDotNet (e.g. --job short).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
chunks=$root/.gpuchunk
stage=/root/stage

case "${1:-}" in
  package)
    rm -rf /tmp/gpuapp "$chunks" && mkdir -p "$chunks/zbin"
    dotnet publish tests/StreamScoring.Benchmarks -c Release -r linux-x64 --self-contained -o /tmp/gpuapp
    # Kafka's native libraries are not used by the scoring benchmark; TensorRT is not installed there.
    rm -f /tmp/gpuapp/*librdkafka.so /tmp/gpuapp/libonnxruntime_providers_tensorrt.so
    tar cf - -C /tmp gpuapp | zstd -19 -T0 -q -o /tmp/gpuapp.tar.zst -f
    split -b 50M -d -a 1 /tmp/gpuapp.tar.zst "$chunks/part."
    cp "$(command -v zstd)" "$chunks/zbin/"
    for lib in $(ldd "$(command -v zstd)" | awk '/=>/ {print $3}' | grep -v -E 'libc\.so|libpthread|libm\.so|libdl'); do
      cp -L "$lib" "$chunks/zbin/"
    done
    ls -l "$chunks"
    ;;
  stage)
    mkdir -p "$stage" && cp "$chunks/part.$2" "$stage/" && ls "$stage"
    ;;
  run)
    shift
    cd "$stage"
    cat part.* | LD_LIBRARY_PATH="$chunks/zbin" "$chunks/zbin/zstd" -d -q | tar x -C "$stage"
    rm -f part.*
    # The benchmarks find models/ by walking up to StreamScoring.sln.
    cp "$root/StreamScoring.sln" "$stage/" && rm -rf "$stage/models" && cp -r "$root/models" "$stage/"
    nvidia=/opt/torch/.venv/lib/python3.12/site-packages/nvidia
    export LD_LIBRARY_PATH=$nvidia/cu13/lib:$nvidia/cudnn/lib:/usr/local/nvidia/lib64:/usr/local/nvidia/lib:/usr/local/cuda-13.0/lib64
    export STREAMSCORING_BENCH_CUDA=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
    cd "$stage/gpuapp"
    ./StreamScoring.Benchmarks --filter '*OnnxScorerBenchmarks*' --inProcess --artifacts "${OUT:-$stage}/bdn" "$@"
    ;;
  *)
    echo "usage: scripts/gpu-bench.sh package | stage N | run [BenchmarkDotNet arguments]" >&2
    exit 2
    ;;
esac
