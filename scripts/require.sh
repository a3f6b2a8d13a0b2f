# Sourced by scripts/test.sh and .ci/run. Makes sure the programs the tests need are installed:
# installs the missing ones with apt-get when it can (root, or passwordless sudo), otherwise stops
# at once with one line naming the exact command to run.
#
#   require_packages PROGRAM=PACKAGE ...     e.g. require_packages redis-server=redis-server
#
# Returns 0 when every PROGRAM is on PATH afterwards; prints the error and returns 1 otherwise.
require_packages() {
  local pair missing=()
  for pair in "$@"; do
    command -v "${pair%%=*}" >/dev/null 2>&1 || missing+=("${pair#*=}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  local install="apt-get install -y ${missing[*]}" sudo="" what="${missing[*]} is"
  [ ${#missing[@]} -gt 1 ] && what="${missing[*]} are"
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      echo "error: $what required: run 'sudo $install'" >&2
      return 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: $what required (no apt-get here: install them with your package manager)" >&2
    return 1
  fi

  echo "installing ${missing[*]} (apt-get install -y ${missing[*]})" >&2
  local log
  log=$(mktemp)
  # A fresh image often has empty package lists: update once if the first attempt fails.
  if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >"$log" 2>&1 \
    && ! { $sudo apt-get update >>"$log" 2>&1 && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >>"$log" 2>&1; }; then
    tail -n 5 "$log" >&2
    rm -f "$log"
    echo "error: $what required: '${sudo:+sudo }$install' failed (output above)" >&2
    return 1
  fi
  rm -f "$log"

  for pair in "$@"; do
    if ! command -v "${pair%%=*}" >/dev/null 2>&1; then
      echo "error: ${pair%%=*} still not on PATH after installing ${pair#*=}" >&2
      return 1
    fi
  done
}

# What the test suite needs, as PROGRAM=PACKAGE pairs (add prometheus, alertmanager, ... here).
# The TorchSharp patch (build/torchsharp-glibcxx) needs neither patchelf nor g++.
TEST_REQUIREMENTS=(
  redis-server=redis-server
  # The build of the training projects patches TorchSharp's native library with build/torchsharp-glibcxx/patch.py.
  python3=python3
  # tests/StreamScoring.Deploy.Tests: promtool check/test rules, PromQL parsing and the live alerting test.
  prometheus=prometheus
  promtool=prometheus
  prometheus-alertmanager=prometheus-alertmanager
  amtool=prometheus-alertmanager
)
