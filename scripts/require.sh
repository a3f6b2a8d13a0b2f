# Sourced by scripts/test.sh and .ci/run. Makes sure the programs the tests need are installed:
# installs the missing ones with apt-get when it can (root, or passwordless sudo), otherwise stops
# at once with one line naming the exact command to run.
#
#   require_packages PROGRAM=PACKAGE ...     e.g. require_packages redis-server=redis-server
#
# Returns 0 when every PROGRAM is on PATH afterwards; prints the error and returns 1 otherwise.
APT_TIMEOUT_SECONDS=${APT_TIMEOUT_SECONDS:-900}

# apt_get SUDO LOG ARGS...: one apt-get call, non-interactive, killed after APT_TIMEOUT_SECONDS,
# its output appended to LOG.
apt_get() {
  local sudo=$1 log=$2
  shift 2
  echo "\$ apt-get $* (timeout ${APT_TIMEOUT_SECONDS}s)" >>"$log"
  $sudo env DEBIAN_FRONTEND=noninteractive timeout --kill-after=30 "$APT_TIMEOUT_SECONDS" \
    apt-get -o Dpkg::Use-Pty=0 "$@" </dev/null >>"$log" 2>&1
  local status=$?
  [ "$status" -eq 124 ] && echo "apt-get $1 timed out after ${APT_TIMEOUT_SECONDS}s" >>"$log"
  return "$status"
}

# require_disk_space MIB DIR: stops with a clear message when DIR's file system has less than MIB
# free. A full disk otherwise shows up minutes later as MSB3021 copy errors in every project.
require_disk_space() {
  local need_mib=$1 dir=$2 free_mib
  free_mib=$(df -Pm "$dir" | awk 'NR == 2 { print $4 }')
  echo "disk: ${free_mib} MiB free on $(df -P "$dir" | awk 'NR == 2 { print $6 }') (the build and tests need about ${need_mib} MiB)" >&2
  if [ -n "$free_mib" ] && [ "$free_mib" -lt "$need_mib" ]; then
    echo "error: only ${free_mib} MiB free on the file system of $dir; the build and tests need about ${need_mib} MiB" >&2
    return 1
  fi
}

require_packages() {
  local pair missing=()
  for pair in "$@"; do
    # Once per package (prometheus brings prometheus and promtool).
    if ! command -v "${pair%%=*}" >/dev/null 2>&1 && [[ " ${missing[*]} " != *" ${pair#*=} "* ]]; then
      missing+=("${pair#*=}")
    fi
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
  # Every apt-get call has a bound (a hung mirror must not eat CI's 90 minutes), and a failure
  # shows apt-get's whole output, not its last lines. A fresh image often has empty package
  # lists: update once if the first attempt fails.
  if ! apt_get "$sudo" "$log" install -y "${missing[@]}" \
    && ! { apt_get "$sudo" "$log" update && apt_get "$sudo" "$log" install -y "${missing[@]}"; }; then
    echo "---- apt-get output ----" >&2
    cat "$log" >&2
    echo "---- end of apt-get output ----" >&2
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

# What the test suite needs, as PROGRAM=PACKAGE pairs: every program a test or the code under test
# starts (tests/StreamScoring.Deploy.Tests/Ci/TestRequirementsTests checks this list against the
# sources).
TEST_REQUIREMENTS=(
  # RedisServerProcess (every Redis test, the demo, the chaos scenarios); redis-cli builds the
  # Redis Cluster of the cluster tests (redis-tools comes with redis-server).
  redis-server=redis-server
  redis-cli=redis-tools
  # The build of the training projects patches TorchSharp's native library with build/torchsharp-glibcxx/patch.py.
  python3=python3
  # tests/StreamScoring.Deploy.Tests: promtool check/test rules, PromQL parsing and the live alerting test;
  # tests/StreamScoring.Embedded.Tests: promtool and amtool check the configurations the embedded servers get.
  prometheus=prometheus
  promtool=prometheus
  prometheus-alertmanager=prometheus-alertmanager
  amtool=prometheus-alertmanager
  # IntegrationTests: StaticMembershipTests (an outside Kafka client), TestCertificates (TLS),
  # ProcessSignals (SIGSTOP/SIGCONT/SIGKILL to redis-server); the chaos harness starts workers via sh.
  kcat=kcat
  openssl=openssl
  kill=procps
  sh=dash
  timeout=coreutils
)
