"""W&B calls that need W&B's server or its media pipeline: each is a name here that
raises ``NotAvailableOffline`` saying so, never an ``AttributeError`` (issue 13)."""
from __future__ import annotations

from typing import Any, NoReturn

from lineage_desktop.records import LineageError


class NotAvailableOffline(LineageError, NotImplementedError):
    """A W&B feature that needs a W&B server (sweeps, reports, alerts) or its media
    types, which lineage_desktop does not record."""


def _server_only(name: str, why: str) -> Any:
    def refuse(*args: object, **kwargs: object) -> NoReturn:
        raise NotAvailableOffline(f"ld.{name} is not available offline: {why}")

    refuse.__name__ = refuse.__qualname__ = name
    refuse.__doc__ = f"W&B's ``wandb.{name}``: not available offline ({why})."
    return refuse


_SERVER = "it needs a W&B server"
_MEDIA = ("media types are not supported offline; log numbers, strings or an "
          "artifact's files instead")

sweep = _server_only("sweep", _SERVER)
agent = _server_only("agent", _SERVER)
controller = _server_only("controller", _SERVER)
alert = _server_only("alert", _SERVER)
watch = _server_only("watch", "it logs gradients as W&B media")
unwatch = _server_only("unwatch", "it logs gradients as W&B media")
Image = _server_only("Image", _MEDIA)
Audio = _server_only("Audio", _MEDIA)
Video = _server_only("Video", _MEDIA)
Html = _server_only("Html", _MEDIA)
Histogram = _server_only("Histogram", _MEDIA)
Object3D = _server_only("Object3D", _MEDIA)
Molecule = _server_only("Molecule", _MEDIA)
Plotly = _server_only("Plotly", _MEDIA)
Graph = _server_only("Graph", _MEDIA)
