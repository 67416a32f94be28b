#!/usr/bin/env bash
# Installs the Debian packages jaarverslag needs when they are missing.
#
#   scripts/system-deps.sh          what building needs: WeasyPrint's libraries (Pango, HarfBuzz's
#                                   subsetter — without it every PDF costs ~0.2 s more) and the
#                                   fonts the templates use
#   scripts/system-deps.sh --test   also what the tests read our files with: poppler-utils
#                                   (pdftotext), LibreOffice Writer and Calc (open every DOCX and
#                                   the starter workbook; Debian's desktop or server (-nogui)
#                                   flavour, whichever is there), Chromium
#                                   (runs axe-core on the HTML), Node.js with npm (installs axe-core)
#                                   and a Java runtime (runs veraPDF, the PDF/A + PDF/UA validator)
#
# Idempotent and fast when everything is there: only missing packages are installed.
set -euo pipefail

packages=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1
  fonts-open-sans fonts-dejavu-core
)
if [ "${1:-}" = "--test" ]; then
  packages+=(poppler-utils)
  # the tools may come from elsewhere (a browser or LibreOffice from upstream, node from nvm)
  # LibreOffice: Writer opens every DOCX, Calc the starter workbook (tests, make docs-img). What
  # counts is what the tests run — the soffice on the PATH with its Writer and Calc — not a
  # package's name: Debian has a desktop (libreoffice-writer) and a server flavour
  # (libreoffice-writer-nogui), and upstream's LibreOffice lives in /opt. A component is there
  # when its library and its registration (the .xcd soffice reads its modules from) are, beside
  # the real soffice.
  soffice=$(command -v soffice || command -v libreoffice || true)
  office=()  # the components it lacks: writer, calc
  if [ -z "$soffice" ]; then
    office=(writer calc)
  else
    program=$(dirname "$(readlink -f "$soffice")")
    [ -e "$program/libswlo.so" ] && [ -e "$program/../share/registry/writer.xcd" ] || office+=(writer)
    [ -e "$program/libsclo.so" ] && [ -e "$program/../share/registry/calc.xcd" ] || office+=(calc)
  fi
  if [ ${#office[@]} -gt 0 ]; then
    if [ -n "$soffice" ] && ! dpkg -S "$(readlink -f "$soffice")" >/dev/null 2>&1; then
      echo "system-deps: $soffice is not Debian's LibreOffice and lacks its ${office[*]}; add them to it" >&2
    else
      # the flavour already installed (its core), else the desktop one
      flavour=""
      dpkg-query -W -f='${Status}' libreoffice-core-nogui 2>/dev/null \
        | grep -q "install ok installed" && flavour="-nogui"
      for component in "${office[@]}"; do packages+=("libreoffice-$component$flavour"); done
    fi
  fi
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
    || packages+=(chromium)
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
  command -v npm >/dev/null 2>&1 || packages+=(npm)
  command -v java >/dev/null 2>&1 || packages+=(default-jre-headless)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: missing ${missing[*]} and no apt-get here; install them by hand" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "system-deps: missing ${missing[*]}; run as root to install them" >&2; exit 0
  fi
fi
echo "system-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
