#!/usr/bin/env bash
# Reads generated/openapi.yaml (3.1) and generated/openapi-3.0.yaml with the tools others use, and
# fails when one of them does not read them cleanly:
#   - Redocly lint (npm @redocly/cli, redocly.yaml): 0 errors, 0 warnings on each document;
#   - openapi-python-client (pip, with ruff for its post-hooks) on the 3.1 document: no warnings, fewer than 200 model files;
#   - progenitor (cargo-progenitor, reads 3.0 only) on the 3.0 document, less the multipart
#     bodies it cannot read: the generated crate passes `cargo check`;
#   - OpenAPI Generator (`-g rust`, from PyPI's openapi-generator-cli, whose wheel carries the
#     jar: npm's wrapper downloads it from Maven Central at run time) on the 3.0 document: the
#     generated crate passes `cargo check`. Needs java.
# Generated code goes to a temporary directory outside the workspace (never a member of it);
# tools and the generated crates' build cache stay in $OA_CACHE between runs.
#
#   bash bench/openapi-consumers.sh        (OA_KEEP=1 keeps the generated code)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

CACHE=${OA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wacr-openapi-consumers}
REDOCLY_VERSION=2.77.0
PYTHON_CLIENT_VERSION=0.29.1
RUFF_VERSION=0.17.6
PROGENITOR_VERSION=0.15.1
GENERATOR_VERSION=7.26.0
mkdir -p "$CACHE"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/wacr-openapi-consumers.XXXXXX")
[ -n "${OA_KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT
export CARGO_TARGET_DIR="$CACHE/target"

failed=()
summary=()
note() { summary+=("$1"); echo "-- $1"; }

echo "== Redocly lint ($REDOCLY_VERSION)"
npm install --silent --no-audit --no-fund --prefix "$CACHE/npm" "@redocly/cli@$REDOCLY_VERSION" >/dev/null
for api in openapi-3.1 openapi-3.0; do
  "$CACHE/npm/node_modules/.bin/redocly" lint "$api" --format=json >"$WORK/redocly-$api.json" 2>"$WORK/redocly-$api.log" || true
  counts=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["totals"]; print(t["errors"], t["warnings"], t["ignored"])' "$WORK/redocly-$api.json")
  read -r errors warnings ignored <<<"$counts"
  note "redocly $api: $errors errors, $warnings warnings, $ignored ignored"
  if [ "$errors" != 0 ] || [ "$warnings" != 0 ]; then
    "$CACHE/npm/node_modules/.bin/redocly" lint "$api" --format=stylish 2>&1 | grep -E '^ +[0-9]+:[0-9]+ ' | head -20 || true
    failed+=("redocly $api")
  fi
done

echo "== openapi-python-client ($PYTHON_CLIENT_VERSION) on the 3.1 document"
# ruff comes with it: its post-hooks (ruff check --fix, ruff format) run on the generated code, and
# without ruff on PATH it prints "ruff is not in PATH", which is no warning about the document.
[ -x "$CACHE/python-client/bin/pip" ] || python3 -m venv "$CACHE/python-client"
"$CACHE/python-client/bin/pip" install --quiet --disable-pip-version-check "openapi-python-client==$PYTHON_CLIENT_VERSION" "ruff==$RUFF_VERSION"
PATH="$CACHE/python-client/bin:$PATH" "$CACHE/python-client/bin/openapi-python-client" generate --path "$ROOT/generated/openapi.yaml" --meta none \
  --output-path "$WORK/python" >"$WORK/python.log" 2>&1 || { cat "$WORK/python.log"; failed+=("openapi-python-client"); }
# Everything it prints besides "Generating <dir>" is a warning or an error.
warnings=$(grep -cv '^Generating ' "$WORK/python.log" || true)
models=$(find "$WORK/python/models" -name '*.py' ! -name '__init__.py' 2>/dev/null | wc -l)
note "openapi-python-client: $models model files, $warnings lines of warnings"
if [ "$warnings" != 0 ] || [ "$models" -ge 200 ] || [ "$models" -eq 0 ]; then
  head -40 "$WORK/python.log"
  failed+=("openapi-python-client")
fi

echo "== progenitor ($PROGENITOR_VERSION) on the 3.0 document"
if [ ! -x "$CACHE/cargo/bin/cargo-progenitor" ]; then
  cargo install --quiet --locked "cargo-progenitor@$PROGENITOR_VERSION" --root "$CACHE/cargo"
fi
# progenitor takes one request media type per operation and no multipart/form-data (its
# BodyContentType): its copy keeps the JSON body of an operation that takes both and leaves out
# the operations whose only body is multipart (Send Media Message). Everything else is read as is.
python3 - "$ROOT/generated/openapi-3.0.yaml" "$WORK/openapi-3.0-progenitor.yaml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
for path, item in list(doc["paths"].items()):
    for method, op in list(item.items()):
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            op["requestBody"]["content"] = {"application/json": content["application/json"]}
        elif content:
            print(f"progenitor: leaves out {op['operationId']} (a {', '.join(content)} body)")
            del item[method]
    if not item:
        del doc["paths"][path]
yaml.safe_dump(doc, open(sys.argv[2], "w"), sort_keys=False)
PY
if "$CACHE/cargo/bin/cargo-progenitor" progenitor -i "$WORK/openapi-3.0-progenitor.yaml" -o "$WORK/progenitor" -n wacr-progenitor -v 0.1.0 >"$WORK/progenitor.log" 2>&1 \
  && (cd "$WORK/progenitor" && cargo check --quiet) >>"$WORK/progenitor.log" 2>&1; then
  note "progenitor: generated crate compiles ($(grep -c '^ *pub struct \|^ *pub enum ' "$WORK/progenitor/src/lib.rs" || true) types, $(grep -c '^ *pub async fn \|^ *pub fn ' "$WORK/progenitor/src/lib.rs" || true) functions)"
else
  tail -40 "$WORK/progenitor.log"
  note "progenitor: FAILED"
  failed+=("progenitor")
fi

echo "== OpenAPI Generator ($GENERATOR_VERSION, -g rust) on the 3.0 document"
[ -x "$CACHE/generator/bin/openapi-generator-cli" ] || python3 -m venv "$CACHE/generator"
"$CACHE/generator/bin/pip" install --quiet --disable-pip-version-check "openapi-generator-cli==$GENERATOR_VERSION"
if "$CACHE/generator/bin/openapi-generator-cli" generate -g rust -i "$ROOT/generated/openapi-3.0.yaml" -o "$WORK/openapi-generator" \
  --additional-properties=packageName=wacr-openapi-generator >"$WORK/generator.log" 2>&1 \
  && (cd "$WORK/openapi-generator" && cargo check --quiet) >>"$WORK/generator.log" 2>&1; then
  note "openapi-generator: generated crate compiles ($(grep -c ' WARN ' "$WORK/generator.log" || true) generator warnings, $(ls "$WORK/openapi-generator/src/models" | wc -l) model files)"
else
  tail -40 "$WORK/generator.log"
  note "openapi-generator: FAILED"
  failed+=("openapi-generator")
fi

echo "== summary"
printf '%s\n' "${summary[@]}"
[ -z "${OA_KEEP:-}" ] || echo "generated code kept in $WORK"
if [ ${#failed[@]} -gt 0 ]; then
  echo "openapi-consumers: failed: ${failed[*]}"
  exit 1
fi
echo "openapi-consumers: all passed"
