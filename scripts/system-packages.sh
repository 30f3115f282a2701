#!/usr/bin/env bash
# The Debian/Ubuntu packages ielts-rq's engines and tests need: Tesseract for
# OCR, flite to speak test sentences, DejaVu fonts to draw test pages, and
# Chromium for the dashboard's browser test. Installs what is missing when it
# can (root, or sudo without a password); otherwise says what to run.
set -euo pipefail

packages=(tesseract-ocr tesseract-ocr-eng flite fonts-dejavu-core chromium)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "Install these with your package manager: ${missing[*]}" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif sudo -n true 2>/dev/null; then
  sudo=(sudo)
else
  echo "Missing system packages; run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
