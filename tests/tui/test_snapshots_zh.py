"""Every screen of tests/tui/test_snapshots.py again, in Simplified Chinese, at 120x40 and 80x24: the
same docstrings say what must be visible, with the words in Chinese and wide characters aligned. In
the slow set (.ci/run), so the default run stays under a minute; update with --snapshot-update."""

from __future__ import annotations

import pytest
import test_snapshots as english  # tests/tui/test_snapshots.py

from game import i18n


@pytest.fixture(autouse=True)
def chinese():
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


for _name in dir(english):
    if _name.startswith("test_"):
        globals()[_name] = pytest.mark.slow(getattr(english, _name))
