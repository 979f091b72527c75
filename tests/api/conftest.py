from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_media(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Uploaded evidence goes to a temporary private folder, never the developer's var/."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"  # type: ignore[attr-defined]
