#!/usr/bin/env bash
# Step 1 of the konform action: find or build the konform binary and name it
# in the step output `konform`.
#
#   KONFORM_BIN      the action's `konform` input: a binary (path or command
#                    name) to use as it is. Empty: build konform from the
#                    repository this action lives in (three folders up from
#                    $GITHUB_ACTION_PATH) with `cargo install --locked` into
#                    $RUNNER_TEMP/konform.
set -euo pipefail

if [ -n "${KONFORM_BIN:-}" ]; then
    if ! konform="$(command -v -- "$KONFORM_BIN")"; then
        echo "::error title=konform::the konform input names no executable: ${KONFORM_BIN//[$'\r\n%']/?}"
        exit 2
    fi
else
    source_root="$(cd -- "$GITHUB_ACTION_PATH/../../.." && pwd)"
    root="${RUNNER_TEMP:-/tmp}/konform"
    cargo install --path "$source_root/harness/cli" --locked --root "$root"
    konform="$root/bin/konform"
fi

"$konform" --version
case "$konform" in
    *$'\n'* | *$'\r'*) echo "::error title=konform::the path of konform holds a line break"; exit 2 ;;
esac
echo "konform=$konform" >> "$GITHUB_OUTPUT"
