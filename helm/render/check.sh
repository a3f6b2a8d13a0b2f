#!/usr/bin/env bash
# Renders helm/streamscoring with every values file in cases/ using render (main.go: Go's text/template,
# sprig and Helm's include/toYaml/fromYaml/required/fail), without Helm: ok-*.yaml must render to YAML
# that parses, fail-*.yaml must be refused by the chart. Needs Debian's golang-go,
# golang-github-masterminds-sprig-dev and golang-gopkg-yaml.v2-dev (GOPATH build, no module download).
# Usage: helm/render/check.sh   (from anywhere)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
chart="$here/../streamscoring"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$out/gocache" go build -o "$out/render" "$here/main.go" "$here/json.go"
status=0
for case in "$here"/cases/*.yaml; do
  name="$(basename "$case" .yaml)"
  if "$out/render" "$chart" "$case" > "$out/$name.yaml" 2> "$out/$name.err"; then
    if [[ "$name" == fail-* ]]; then
      echo "FAIL $name: rendered, expected the chart to refuse it"; status=1
    elif ! python3 -c 'import sys, yaml; list(yaml.safe_load_all(open(sys.argv[1])))' "$out/$name.yaml"; then
      echo "FAIL $name: output is not YAML"; status=1
    else
      echo "ok   $name: $(grep -c '^kind:' "$out/$name.yaml") objects"
    fi
  elif [[ "$name" == fail-* ]]; then
    echo "ok   $name: refused: $(sed -n 's/.*error calling fail: //p' "$out/$name.err" | head -1)"
  else
    echo "FAIL $name: $(cat "$out/$name.err")"; status=1
  fi
done
exit $status
