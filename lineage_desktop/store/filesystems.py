"""Which filesystem a folder lies on: SQLite's WAL needs shared memory and POSIX locks
that one kernel controls, which network filesystems do not give."""
from __future__ import annotations

import os
from pathlib import Path

MOUNTINFO = Path("/proc/self/mountinfo")
NETWORK_TYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs", "lustre",
    "gpfs", "beegfs", "fuse.sshfs", "fuse.rclone", "fuse.s3fs", "fuse.gcsfuse",
    "fuse.glusterfs", "fuse.cephfs", "davfs", "fuse.davfs2", "ncpfs", "coda",
})


def filesystem_type(folder: str | os.PathLike[str], mountinfo: Path = MOUNTINFO) -> str | None:
    """The filesystem type of the mount holding ``folder`` (Linux), or None if unknown."""
    try:
        target = os.path.realpath(folder)
        lines = mountinfo.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    best, best_type = "", None
    for line in lines:
        fields = line.split()
        if "-" not in fields or len(fields) < 5:
            continue
        mount_point = _unescape(fields[4])
        fs_type = fields[fields.index("-") + 1] if fields.index("-") + 1 < len(fields) else None
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, fs_type
    return best_type


def network_filesystem(folder: str | os.PathLike[str]) -> str | None:
    """The type name if ``folder`` is on a network filesystem, else None."""
    kind = filesystem_type(folder)
    return kind if kind in NETWORK_TYPES else None


def _unescape(text: str) -> str:
    # mountinfo writes space, tab, newline and backslash as octal escapes.
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        text = text.replace(code, char)
    return text
