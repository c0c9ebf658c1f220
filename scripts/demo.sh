#!/usr/bin/env bash
# The main job on the demo register, as a council would run it, in a throwaway clone.
set -euo pipefail
cd "$(dirname "$0")/.."
UCBR="$PWD/.venv/bin/ucbr"
PY="$PWD/.venv/bin/python"
work=$(mktemp -d "${TMPDIR:-/tmp}/ucbr-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT    # the demo keys and the throwaway clone go when the demo ends
letters="${UCBR_DEMO_OUT:-$PWD/demo-out}"   # the letter stays, for you to look at (git ignores demo-out)
export HOME="$work/home" GIT_CONFIG_GLOBAL="$work/home/gitconfig" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME" "$work/keys" "$letters" && : > "$GIT_CONFIG_GLOBAL"
chmod 700 "$work/keys" "$letters"
rm -f "$letters/formal-warning.pdf"
export PATH="$PWD/.venv/bin:$PATH" UCBR_TODAY=2026-11-28 UCBR_REGISTER="$work/register"
# The demo runs on a fixed policy day, so git dates its commits on that day too, whatever
# the machine's clock says: the audit undoes a commit whose policy date is not its own.
export GIT_AUTHOR_DATE="${UCBR_TODAY}T12:00:00Z" GIT_COMMITTER_DATE="${UCBR_TODAY}T12:00:00Z"

"$UCBR" clone register/history.bundle "$work/register" --root "$(cat register/demo-keys/demo-manager.txt.pub)" >/dev/null
for key in register/demo-keys/*.txt; do
  case "$key" in */README.txt) continue ;; esac
  install -m 600 "$key" "$work/keys/"
done
as() { local who=$1; shift
  GIT_AUTHOR_NAME="$who" GIT_AUTHOR_EMAIL="$who@demo.invalid" \
  GIT_COMMITTER_NAME="$who" GIT_COMMITTER_EMAIL="$who@demo.invalid" \
  UCBR_IDENTITY_FILE="$work/keys/$who.txt" "$UCBR" "$@"; }
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

echo "Demo register (fictional people, DEMO ONLY keys), cloned into a throwaway folder"
echo "Policy clock: $UCBR_TODAY"

step "ucbr review-due --within 30      # the morning job, with the scheduler key alone"
code=0; as demo-scheduler review-due --within 30 || code=$?
echo "(exit $code: 0 nothing due, 3 due within the window, 4 something overdue)"

step "ucbr lookup 'devon singlechanel'   # customer services, before returning a call (frontline key)"
as demo-frontline lookup 'devon singlechanel'

step "ucbr lookup '+44 1993 123456'"
as demo-frontline lookup '+44 1993 123456'

step "ucbr lookup 'OX18 8ZZ'            # a property, before a home visit"
as demo-frontline lookup 'OX18 8ZZ'

case_id=$(as demo-frontline lookup --json 'Devon Singlechannel' | "$PY" -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
step "ucbr show $case_id               # what a frontline key can read: the entry, never the record"
as demo-frontline show "$case_id"

step "ucbr letter $case_id --kind formal-warning --out demo-out/formal-warning.pdf"
as demo-officer letter "$case_id" --kind formal-warning --out "$letters/formal-warning.pdf"
echo "Formal warning letter (PDF): demo-out/formal-warning.pdf"

step "ucbr check"
code=0; as demo-officer check || code=$?
echo "(exit $code: 5 means check found the faults listed above)"
