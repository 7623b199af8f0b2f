#!/usr/bin/env bash
# Debian packages the portal needs: a CJK font so weasyprint PDFs show Chinese; with `--test`, also Chromium
# for the browser tests (running the portal does not need it).
# Installs them when run as root; otherwise prints the exact command to run.
set -euo pipefail
need=()
fc-list 2>/dev/null | grep -qi "Noto Sans CJK\|Noto Serif CJK" || need+=(fonts-noto-cjk)
if [ "${1:-}" = "--test" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "Missing system packages: ${need[*]}"
  echo "Install them with:  sudo apt-get install -y ${need[*]}"
  exit 1
fi
