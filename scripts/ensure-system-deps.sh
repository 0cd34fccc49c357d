#!/usr/bin/env bash
# Installs what the GUI smoke test needs from Debian when it is missing: Xvfb and the X
# client libraries Qt's xcb platform loads; and poppler-utils (pdftoppm, pdftotext), with
# which the PDF export tests render pages. Without root or apt it only says what to install.
set -u
need=()
command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
for pkg in libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 \
           libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 \
           libegl1 libgl1 libfontconfig1 libdbus-1-3 fonts-dejavu-core x11-utils; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "note: missing system packages (GUI smoke and PDF page tests will be skipped):" \
         "${need[*]}" >&2
    exit 0
fi
echo "installing system packages: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
    || echo "note: could not install ${need[*]}; the GUI smoke and PDF page tests will be" \
            "skipped" >&2
exit 0
