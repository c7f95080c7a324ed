#!/usr/bin/env bash
# Install the Debian packages Wuhao needs when missing (root or passwordless sudo), or say exactly
# what to install. `--python` checks that Python can make a venv; `--node` that Node.js (20.19 or
# newer, with npm) is there to build the web app, installing the system's nodejs when it is new
# enough; `--postgis` adds what the PostGIS test leg needs; `--browser` adds Debian's chromium and
# the CJK fonts for the browser tests (never a downloaded browser). Options combine.
# Safe to run again.
set -euo pipefail

NODE_MIN=20.19  # vite and rolldown refuse older (Debian bookworm ships 18)
NODE_HELP="install Node.js 22 LTS with npm, e.g. from NodeSource: curl -fsSL https://deb.nodesource.com/setup_22.x | sudo bash - && sudo apt-get install -y nodejs, then run make again"

python=0
node=0
postgis=0
browser=0
for option in "$@"; do
  case "$option" in
    --python) python=1 ;;
    --node) node=1 ;;
    --postgis) postgis=1 ;;
    --browser) browser=1 ;;
    *) echo "usage: $0 [--python] [--node] [--postgis] [--browser]" >&2; exit 2 ;;
  esac
done

# version_at_least A B: A >= B, comparing dotted versions (an epoch and a Debian suffix ignored).
version_at_least() {
  local a=${1#*:}
  a=${a%%[-+~]*}
  [[ $(printf '%s\n%s\n' "$2" "$a" | sort -V | head -n1) == "$2" ]]
}

node_ok() {
  command -v node >/dev/null && command -v npm >/dev/null \
    && version_at_least "$(node --version | tr -d v)" "$NODE_MIN"
}

apt_candidate() {  # the version apt would install, or nothing
  command -v apt-cache >/dev/null || return 0
  apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { if ($2 != "(none)") print $2 }'
}

need=()
if [[ $python -eq 1 ]]; then
  python3 -c 'import ensurepip' 2>/dev/null || need+=(python3-venv)
fi
compgen -G "/usr/lib/*/mod_spatialite.so" >/dev/null || need+=(libsqlite3-mod-spatialite)
if [[ $node -eq 1 ]] && ! node_ok; then
  candidate=$(apt_candidate nodejs)
  if [[ -z $candidate ]] && command -v apt-get >/dev/null && [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq && candidate=$(apt_candidate nodejs)  # a fresh image has no package lists
  fi
  if [[ -z $candidate ]] || ! version_at_least "$candidate" "$NODE_MIN"; then
    have=$(command -v node >/dev/null && node --version || echo "no Node.js")
    echo "Building the web app needs Node.js $NODE_MIN+ with npm (found: $have; this system's nodejs package is ${candidate:-not available}): $NODE_HELP." >&2
    exit 1
  fi
  need+=(nodejs)
  # Debian's nodejs comes without npm (a separate package); NodeSource's includes it.
  [[ -n $(apt_candidate npm) ]] && ! command -v npm >/dev/null && need+=(npm)
fi
if [[ $postgis -eq 1 ]]; then
  compgen -G "/usr/share/postgresql/*/extension/postgis.control" >/dev/null \
    || need+=(postgresql-15 postgresql-15-postgis-3)
fi
if [[ $browser -eq 1 ]]; then
  command -v chromium >/dev/null || need+=(chromium)
  compgen -G "/usr/share/fonts/opentype/noto/NotoSansCJK*" >/dev/null || need+=(fonts-noto-cjk)
fi
[[ ${#need[@]} -eq 0 ]] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "Wuhao needs these Debian packages (or your system's equivalents): ${need[*]}" >&2
  exit 1
fi
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo=(sudo)
else
  echo "Missing system packages. Please run: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "installing system packages: ${need[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
if [[ $node -eq 1 ]] && ! node_ok; then
  echo "Node.js $NODE_MIN+ with npm is still not on PATH after installing nodejs: $NODE_HELP." >&2
  exit 1
fi
