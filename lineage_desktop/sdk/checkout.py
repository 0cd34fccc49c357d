"""``Artifact.checkout``: make a folder hold exactly a version's files (W&B's
``checkout``: download, and remove the files of the folder that are not entries).

Removing files is the dangerous half, so: a root that is ``/``, the home folder or the
current working folder itself is refused (``UnsafeCheckoutRoot``); the version is
downloaded first (its manifest validated, so a refused version deletes nothing); the
folder is walked through directory descriptors without following symbolic links, so a
link is removed as a link and its target, wherever it is, is never touched.
"""
from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Collection
from pathlib import Path

from lineage_desktop.records import ValidationError
from lineage_desktop.records.validation import shown

__all__ = ["UnsafeCheckoutRoot", "check_root", "remove_extra"]


class UnsafeCheckoutRoot(ValidationError):
    """A checkout root whose unrelated files checkout would delete."""


def check_root(root: Path) -> Path:
    """``root`` made absolute (links resolved), refused when it is ``/``, the home
    folder or the current working folder, or exists and is not a folder."""
    resolved = root.expanduser().resolve()
    forbidden = {Path(resolved.anchor): "the file system root",
                 Path.home().resolve(): "the home folder",
                 Path.cwd().resolve(): "the current working folder"}
    if resolved in forbidden:
        raise UnsafeCheckoutRoot(
            f"checkout root {shown(str(root))} is {forbidden[resolved]}: checkout deletes "
            "every file there that is not in the artifact; choose a folder of its own")
    if resolved.exists() and not resolved.is_dir():
        raise UnsafeCheckoutRoot(f"checkout root {shown(str(root))} is not a folder")
    return resolved


def remove_extra(root: Path, keep: Collection[str]) -> None:
    """Remove below ``root`` every file and symbolic link whose path (relative, with
    ``/``) is not in ``keep``, then the folders left empty that hold no kept path."""
    folders = {"/".join(parts[:end]) for parts in (p.split("/") for p in keep)
               for end in range(1, len(parts))}
    # fwalk never follows links (follow_symlinks=False) and hands out descriptors: a
    # name is removed relative to its own folder, even if a parent is swapped meanwhile.
    for folder, dirs, files, fd in os.fwalk(root, topdown=False):
        relative = os.path.relpath(folder, root)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        for name in files:
            if prefix + name not in keep:
                os.unlink(name, dir_fd=fd)
        for name in dirs:
            path = prefix + name
            mode = os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode
            if stat.S_ISLNK(mode):  # a link to a folder: the link goes, never its content
                if path not in keep:
                    os.unlink(name, dir_fd=fd)
            elif path not in folders and path not in keep:
                # Not empty: something appeared in it meanwhile; leave it.
                with contextlib.suppress(OSError):
                    os.rmdir(name, dir_fd=fd)
