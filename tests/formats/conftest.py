"""The wire-format readers are pure: these tests need no database, broker or index."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "formats"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture(autouse=True)
def _no_index_wake_left():
    """Override the suite-wide Redis clean-up: nothing here touches the index."""
    yield
