#!/usr/bin/env bash
# cargo-semver-checks on the generated crates (wacr-models, wacr-client, wacr-server).
#
#   bash .ci/semver-checks.sh --release      (what .ci/run runs)
#
# compares them with the last release tag (`v*`): their version (`info.version`, stamped by
# `cargo xtask codegen`) must have taken the bump their Rust API changes need, as
# `cargo xtask spec diff --check-version` asks of the spec. A clone without a release tag has
# nothing to compare with and says so.
#
#   bash .ci/semver-checks.sh [FIXTURE...]      (default: every fixture below)
#
# holds cargo-semver-checks and `cargo xtask spec diff` to the same verdict: for a few spec edits
# (one per Rust class: a field added to a request body, a value added to a received enum, an
# operation added, a rule tightened, a webhook event added), the crates generated before and
# after the edit are compared. It must find a major change exactly when spec diff classes a
# change as breaking in Rust. Each fixture is an api-spec file and a Python string replacement
# applied to it, in a copy of HEAD (`git archive`); the baseline is HEAD's generated crates.
#
# cargo-semver-checks is built from source once (its prebuilt releases are on GitHub, which CI
# cannot reach) into $CARGO_HOME/bin, where later runs find it; not when there is nothing to
# compare with.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

CSC_VERSION=0.51.0
install() {
  if ! cargo semver-checks --version 2>/dev/null | grep -qF " $CSC_VERSION"; then
    echo "installing cargo-semver-checks $CSC_VERSION (once; later runs reuse it)"
    # A tool, not a product: no LTO and parallel codegen build it in a fraction of the time.
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_DEBUG=false \
      cargo install --quiet --locked --version "$CSC_VERSION" cargo-semver-checks
  fi
}

if [ "${1:-}" = "--release" ]; then
  baseline=$(git describe --tags --abbrev=0 --match 'v*' 2>/dev/null || true)
  if [ -z "$baseline" ]; then
    echo "no release tag (v*) in this clone: nothing to compare the generated crates with"
    exit 0
  fi
  install
  echo "the generated crates against $baseline"
  exec cargo semver-checks check-release -p wacr-models -p wacr-client -p wacr-server --baseline-rev "$baseline"
fi

declare -A FILE EDIT
FILE[body_field_added]=sources.yaml
EDIT[body_field_added]='s.replace("      fields:\n        name:\n", "      fields:\n        color: {type: string, required: false, description: Colour}\n        name:\n", 1)'
FILE[received_enum_value_added]=templates.yaml
EDIT[received_enum_value_added]='s.replace("values: [APPROVED, PENDING, REJECTED]", "values: [APPROVED, PENDING, REJECTED, PAUSED]", 1)'
FILE[operation_added]=sources.yaml
EDIT[operation_added]='s.replace("  get_source:\n", """  count_sources:
    name: count
    summary: Count Sources
    description: Count the lead sources.
    method: GET
    path: /source-count
    scope: sources:read
    inferred: a test operation
    response: {status: 200, message: Sources counted, data: integer}
    errors: []
    examples:
      - {name: count, path: /source-count, response: {success: true, message: Sources counted, data: 2}}

  get_source:\n""", 1)'
FILE[rule_tightened]=sources.yaml
EDIT[rule_tightened]='s.replace("max_length: 255", "max_length: 100", 1)'
FILE[event_added]=events.yaml
EDIT[event_added]='s.replace("  message.status_updated:\n", "  message.deleted:\n    description: A message was deleted\n    inferred: a test event\n  message.status_updated:\n", 1)'
FILE[docs_only]=sources.yaml
EDIT[docs_only]='s.replace("description: Fetch one lead source.", "description: Fetch one lead source by its ID.", 1)'
FIXTURES=("${@:-body_field_added received_enum_value_added operation_added rule_tightened event_added docs_only}")
FIXTURES=(${FIXTURES[@]})

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
install
export CARGO_TARGET_DIR="$ROOT/target/semver-checks"
cargo build --quiet -p xtask
XTASK="$CARGO_TARGET_DIR/debug/xtask"

mkdir "$WORK/base"
git archive HEAD | tar -x -C "$WORK/base"

failed=0
for name in "${FIXTURES[@]}"; do
  dir="$WORK/$name"
  mkdir "$dir"
  git archive HEAD | tar -x -C "$dir"
  (cd "$dir" && git init -q && git add -A && git -c user.name=ci -c user.email=ci@localhost commit -qm base)
  python3 - "$dir/api-spec/${FILE[$name]}" "${EDIT[$name]}" <<'PY'
import sys
path, edit = sys.argv[1], sys.argv[2]
s = open(path).read()
t = eval(edit, {"s": s})
assert t != s, f"the edit changed nothing in {path}"
open(path, "w").write(t)
PY
  WACR_ROOT="$dir" "$XTASK" codegen >/dev/null
  expected=$(WACR_ROOT="$dir" "$XTASK" spec diff HEAD --format json | python3 -c '
import json, sys
report = json.load(sys.stdin)
print("major" if any(c["rust"].startswith("breaking") for c in report["changes"]) else "compatible")')
  if cargo semver-checks check-release --manifest-path "$dir/Cargo.toml" --baseline-root "$WORK/base" \
       -p wacr-models -p wacr-client -p wacr-server >"$dir/semver-checks.log" 2>&1; then
    found=compatible
  elif grep -q "requires new major version" "$dir/semver-checks.log"; then
    found=major
  else
    echo "$name: cargo-semver-checks failed:"
    tail -40 "$dir/semver-checks.log"
    failed=1
    continue
  fi
  if [ "$found" = "$expected" ]; then
    echo "$name: spec diff and cargo-semver-checks agree ($found)"
  else
    echo "$name: spec diff says $expected in Rust, cargo-semver-checks says $found:"
    tail -40 "$dir/semver-checks.log"
    failed=1
  fi
done
exit $failed
