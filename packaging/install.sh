#!/usr/bin/env sh
# Install the built bundle (dist/lineage-desktop, from `make bundle`) for one user or,
# with PREFIX=/usr/local as root, system-wide:
#   packaging/install.sh            -> ~/.local/{lib,bin,share}
#   PREFIX=/usr/local packaging/install.sh
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
PREFIX=${PREFIX:-$HOME/.local}
BUNDLE=$ROOT/dist/lineage-desktop

if [ ! -x "$BUNDLE/lineage-desktop" ]; then
    echo "install.sh: no bundle at $BUNDLE; run 'make bundle' first" >&2
    exit 2
fi
mkdir -p "$PREFIX/lib" "$PREFIX/bin" "$PREFIX/share/applications" \
         "$PREFIX/share/metainfo" "$PREFIX/share/icons/hicolor/scalable/apps"
rm -rf "$PREFIX/lib/lineage-desktop"
cp -R "$BUNDLE" "$PREFIX/lib/lineage-desktop"
ln -sf "$PREFIX/lib/lineage-desktop/lineage-desktop" "$PREFIX/bin/lineage-desktop"
cp "$HERE/lineage-desktop.desktop" "$PREFIX/share/applications/lineage-desktop.desktop"
cp "$HERE/io.github.lineage_desktop.metainfo.xml" "$PREFIX/share/metainfo/"
cp "$ROOT/resources/icons/lineage-desktop.svg" \
   "$PREFIX/share/icons/hicolor/scalable/apps/lineage-desktop.svg"
echo "installed lineage-desktop into $PREFIX (binary: $PREFIX/bin/lineage-desktop)"
