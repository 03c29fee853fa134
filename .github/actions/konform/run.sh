#!/usr/bin/env bash
# Step 2 of the konform action: run the suite, then report to GitHub.
#
#   KONFORM          the binary (step output of install.sh)
#   KONFORM_SUITE    suites to run, separated by spaces
#   KONFORM_TARGET   target file; empty: the embedded reference
#   KONFORM_OUT      folder for the reports (default konform-reports)
#   KONFORM_ARGS     further arguments of `konform run`, separated by spaces
#   KONFORM_SHARD    K/N: run one shard
#
# For every report this run wrote, the Markdown rendering is appended to
# $GITHUB_STEP_SUMMARY and `konform report annotations` prints one workflow
# command per finding (::error for a failed MUST, ::warning for a failed
# SHOULD ...), all text escaped by konform. Step outputs: exit-code, verdict,
# report. Exits with konform's exit code; with a shard, 0 when the shard wrote
# its report (its own verdict is not the run's; the merge decides).
set -uo pipefail

konform="${KONFORM:?the install step names the konform binary}"
if [ -z "${KONFORM_SUITE:-}" ]; then
    echo "::error title=konform::the suite input is empty"
    exit 2
fi
out="${KONFORM_OUT:-konform-reports}"
mkdir -p -- "$out" || exit 2

# Reports written after this file was made are this run's.
marker="$(mktemp "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/konform-run.XXXXXX")" || exit 3
trap 'rm -f -- "$marker"' EXIT

# Split at blanks and line breaks only: `read -a` expands no globs and runs
# no substitutions (it returns 1 at the end of its input, which is expected).
read -r -d '' -a suites <<< "$KONFORM_SUITE"
read -r -d '' -a extra <<< "${KONFORM_ARGS:-}"
args=(run "${suites[@]}" --format json,md,junit,html --out "$out")
if [ -n "${KONFORM_TARGET:-}" ]; then
    args+=(--target "$KONFORM_TARGET")
fi
if [ -n "${KONFORM_SHARD:-}" ]; then
    args+=(--shard "$KONFORM_SHARD")
fi
args+=(${extra[@]+"${extra[@]}"})

printf 'konform'
printf ' %q' "${args[@]}"
printf '\n'
"$konform" "${args[@]}"
code=$?

# One line `name=value` per output; a value with a line break would start
# another output, so it is refused.
output() {
    case "$2" in
        *$'\n'* | *$'\r'*) echo "::warning title=konform::output $1 not set: its value holds a line break"; return ;;
    esac
    [ -n "${GITHUB_OUTPUT:-}" ] && echo "$1=$2" >> "$GITHUB_OUTPUT"
}

reports=()
while IFS= read -r -d '' report; do
    reports+=("$report")
done < <(find "$out" -maxdepth 1 -type f -name '*.json' ! -name '.*' -newer "$marker" -print0 | sort -z)

# GitHub refuses a step summary above 1 MiB; konform's Markdown lists at most
# 100 failing cases, so this only guards against many suites in one step.
summary_limit=$((1000 * 1024))
for report in ${reports[@]+"${reports[@]}"}; do
    md="${report%.json}.md"
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$md" ]; then
        used=0
        [ -f "$GITHUB_STEP_SUMMARY" ] && used=$(wc -c < "$GITHUB_STEP_SUMMARY")
        if [ $((used + $(wc -c < "$md"))) -le "$summary_limit" ]; then
            { cat -- "$md"; printf '\n'; } >> "$GITHUB_STEP_SUMMARY"
        else
            printf '%s is too large for the job summary; see the uploaded reports.\n\n' \
                "$(basename -- "$md")" >> "$GITHUB_STEP_SUMMARY"
        fi
    fi
    if ! "$konform" report annotations "$report"; then
        echo "::warning title=konform::cannot annotate the findings of a report; see the uploaded reports"
    fi
done

case "$code" in
    0) verdict=conformant ;;
    1) verdict=not_conformant ;;
    3) verdict=incomplete ;;
    *) verdict=error ;;
esac
output exit-code "$code"
output verdict "$verdict"
if [ ${#reports[@]} -gt 0 ]; then
    output report "${reports[0]}"
elif [ "$code" -ne 0 ]; then
    echo "::error title=konform::konform run exited with $code without writing a report (see the log above)"
fi

if [ -n "${KONFORM_SHARD:-}" ] && [ ${#reports[@]} -gt 0 ] && { [ "$code" -eq 1 ] || [ "$code" -eq 3 ]; }; then
    echo "shard ${KONFORM_SHARD}: konform exited with $code; the verdict is decided by \`konform report merge\` over every shard"
    exit 0
fi
exit "$code"
