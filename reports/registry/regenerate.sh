#!/usr/bin/env bash
# Regenerates the example registry: every released 1.0.0 suite against its embedded
# reference (conformant) and against the reference with one fault switched on
# (not conformant), each report signed by a throwaway example key whose public
# half is kept in keys/. Then `konform matrix reports/registry --keys
# reports/registry/keys` shows both colours.
#
#   bash reports/registry/regenerate.sh [path/to/konform]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
konform="${1:-konform}"
work="$(mktemp -d)"
trap 'rm -rf "$work"; kill $(jobs -p) 2>/dev/null || true' EXIT

rm -rf "$here/reference" "$here/faulty" "$here/keys"
mkdir -p "$here/keys"
"$konform" keygen --name example-pruefstelle --out "$work" >/dev/null
cp "$work/example-pruefstelle.pub.pem" "$here/keys/"

# One fault per interface: a broken implementation the suite must catch.
declare -A fault=(
    [meldewesen@1.0]=auskunft-leaks-geburtsdatum
    [elterngeld@1.0]=rounding-truncates
    [kfz-zulassung@1.0]=double-ausserbetriebsetzung-allowed
)

# The released 1.0.0 of every suite: its digest never changes, so the example
# stays verifiable while newer versions are still being written.
for dir in "$here"/../../suites/*/1.0.0/; do
    version="$(basename "$dir")"
    name="$(basename "$(dirname "$dir")")"
    suite="$name@$version"
    "$konform" run "$suite" -q --out "$here/reference" >/dev/null || true
    iface="$("$konform" reference list | grep "^$name@")"
    port=$((20000 + RANDOM % 20000))
    "$konform" reference serve "$iface" --port "$port" --fault "${fault[$iface]}" >/dev/null &
    sleep 1
    cat > "$work/target.yaml" <<YAML
identity:
  operator: Beispielland
  vendor: Beispiel-Software GmbH
  product: "$name (with fault ${fault[$iface]})"
  version: "1.0.0-faulty"
base_url: http://127.0.0.1:$port
auth: { kind: bearer, token_env: KONFORM_EXAMPLE_TOKEN }
auth_profiles:
  limited: { kind: bearer, token_env: KONFORM_EXAMPLE_LIMITED }
YAML
    KONFORM_EXAMPLE_TOKEN=konform-reference-full KONFORM_EXAMPLE_LIMITED=konform-reference-limited \
        "$konform" run "$suite" -q --target "$work/target.yaml" --out "$here/faulty" >/dev/null || true
    kill %1 2>/dev/null || true
    wait 2>/dev/null || true
done

for report in "$here"/reference/*.json "$here"/faulty/*.json; do
    "$konform" report sign "$report" --key "$work/example-pruefstelle.key.pem" --signer "Example Prüfstelle" >/dev/null
done
"$konform" matrix "$here" -o "$work/matrix.html" --keys "$here/keys"
