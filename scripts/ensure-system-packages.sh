#!/usr/bin/env bash
# Install the Debian packages Wuhao needs when missing (root or passwordless sudo), or say exactly
# what to install. `--postgis` adds what the PostGIS test leg needs; `--browser` adds Debian's
# chromium and the CJK fonts for the browser tests (never a downloaded browser). Options combine.
# Safe to run again.
set -euo pipefail

postgis=0
browser=0
for option in "$@"; do
  case "$option" in
    --postgis) postgis=1 ;;
    --browser) browser=1 ;;
    *) echo "usage: $0 [--postgis] [--browser]" >&2; exit 2 ;;
  esac
done

need=()
compgen -G "/usr/lib/*/mod_spatialite.so" >/dev/null || need+=(libsqlite3-mod-spatialite)
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
