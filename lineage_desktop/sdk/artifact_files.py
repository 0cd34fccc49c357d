"""W&B's file-level reading API of a logged artifact: ``get_entry``/``get_path`` return
an ``ArtifactEntry`` (W&B's ``ArtifactManifestEntry`` shape) that downloads one file,
and ``download(path_prefix=...)`` takes only the entries below a prefix.

Remote references (``s3://``, ``gs://``, ``https://``) cannot be fetched offline: a
download names them in a ``ReferenceNotFetched`` warning and still returns an existing
folder.
"""
from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from lineage_desktop.records import ArtifactVersion, ManifestEntry

if TYPE_CHECKING:
    from lineage_desktop.sdk.artifact import Artifact

__all__ = ["ArtifactEntry", "ReferenceNotFetched", "default_root", "warn_not_fetched"]


class ReferenceNotFetched(UserWarning):
    """A download skipped references it cannot fetch offline (remote URIs)."""


def default_root(record: ArtifactVersion) -> Path:
    """W&B's default download folder: ``./artifacts/<name>:v<n>``."""
    return Path("artifacts") / f"{record.name}:{record.version}"


def warn_not_fetched(label: str, skipped: list[ManifestEntry]) -> None:
    """One warning naming every remote reference a download left out."""
    if skipped:
        listing = ", ".join(f"{entry.path} ({entry.ref})" for entry in skipped)
        warnings.warn(f"{label}: references cannot be fetched offline and were not "
                      f"downloaded: {listing}", ReferenceNotFetched, stacklevel=3)


class ArtifactEntry:
    """One file of a logged artifact: ``path`` (W&B's ``name`` is the same), ``digest``,
    ``size``, ``ref``; ``ref_url()`` and ``download()``."""

    def __init__(self, artifact: Artifact, entry: ManifestEntry) -> None:
        self._artifact = artifact
        self.entry = entry

    path = property(lambda self: self.entry.path)
    name = property(lambda self: self.entry.path)
    digest = property(lambda self: self.entry.digest)
    size = property(lambda self: self.entry.size)
    ref = property(lambda self: self.entry.ref)

    def __repr__(self) -> str:
        return f"ArtifactEntry(path={self.path!r}, digest={self.digest!r}, size={self.size})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ArtifactEntry):
            return self.entry == other.entry
        if isinstance(other, ManifestEntry):
            return self.entry == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.entry)

    def ref_url(self) -> str:
        """The reference URI; for stored files W&B's ``wandb-artifact://<id>/<path>``
        form, with this store's version id."""
        if self.entry.ref is not None:
            return self.entry.ref
        return f"wandb-artifact://{self._artifact._logged().id}/{self.entry.path}"

    def download(self, root: str | os.PathLike[str] | None = None,
                 skip_cache: bool | None = None) -> str:
        """Write this one file below ``root`` (default: the artifact's download folder);
        returns its local path. ``skip_cache`` is accepted for W&B (there is no cache)."""
        del skip_cache
        record = self._artifact._logged()
        target = Path(root) if root is not None else default_root(record)
        store = self._artifact._store
        assert store is not None
        from lineage_desktop.sdk.downloads import download_version  # not in recording scripts
        skipped = download_version(store, record, target, only=[self.entry.path])
        warn_not_fetched(f"{record.name}:{record.version}", skipped)
        return str(target / self.entry.path)
