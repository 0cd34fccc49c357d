"""Fixtures for the layout tests."""
from __future__ import annotations

import pytest
from layout_checks import lineage_graphs


@pytest.fixture(scope="session")
def lineage_300():
    """A 300-node lineage DAG (networkx) shaped like an ML project."""
    return lineage_graphs.lineage_dag(300, seed=4)
