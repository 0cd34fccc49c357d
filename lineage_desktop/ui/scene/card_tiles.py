"""``CardTiles``: a graph's cards held by square tiles of the layer, not by the layer.

Qt paints a parent by visiting every child and asking each for its bounding rectangle
(a Python call per card: 50 ms a frame for 50,000 cards, though a screen shows a few
dozen). A ``CardTile`` is an empty rectangle item that says its cards stay inside it
(``ItemContainsChildrenInShape``), so Qt skips a tile out of view with its cards in
one C++ test. A tile grows when a card placed or dragged into it sticks out, and it is
raised with a hovered or selected card so that neighbours in other tiles do not cover
the card's ring.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem

from lineage_desktop.ui import style

TILE = 2048.0  # scene pixels a side: a few tiles on screen at a readable zoom
_ROOM = 400.0  # a tile's room beyond its square, for the cards whose centre is in it


class CardTile(QGraphicsRectItem):
    """One tile (see the module docstring); draws nothing."""

    def __init__(self, rect: QRectF, layer: QGraphicsItem) -> None:
        super().__init__(rect, layer)
        self.setPen(Qt.PenStyle.NoPen)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemContainsChildrenInShape)
        self.setZValue(style.Z_CARD)
        self._raised: set[int] = set()

    def hold(self, rect: QRectF) -> None:
        """Grow to contain ``rect`` (scene coordinates: a tile is never moved)."""
        if not self.rect().contains(rect):
            self.setRect(self.rect().united(rect))

    def set_raised(self, card: QGraphicsItem, raised: bool) -> None:
        """Stack over the other tiles while one of its cards is raised."""
        (self._raised.add if raised else self._raised.discard)(id(card))
        self.setZValue(style.Z_CARD_RAISED if self._raised else style.Z_CARD)


class CardTiles:
    """The tiles of one layer, made as cards are placed."""

    def __init__(self, layer: QGraphicsItem) -> None:
        self._layer = layer
        self._tiles: dict[tuple[int, int], CardTile] = {}

    def place(self, card: QGraphicsItem, rect: QRectF) -> None:
        """Parent ``card`` (bounds ``rect`` in the scene) to the tile of its centre."""
        centre = rect.center()
        cell = (math.floor(centre.x() / TILE), math.floor(centre.y() / TILE))
        tile = self._tiles.get(cell)
        if tile is None:
            square = QRectF(cell[0] * TILE, cell[1] * TILE, TILE, TILE)
            tile = self._tiles[cell] = CardTile(square.adjusted(-_ROOM, -_ROOM, _ROOM, _ROOM),
                                                self._layer)
        tile.hold(rect)
        card.setParentItem(tile)

    def tiles(self) -> list[CardTile]:
        return list(self._tiles.values())
