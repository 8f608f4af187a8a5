"""Fixtures for the report writer tests; the data itself is built in ``builders``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.report.builders import make_hostile, make_results


@pytest.fixture
def results() -> dict[str, Any]:
    return make_results()


@pytest.fixture
def hostile() -> dict[str, Any]:
    return make_hostile()


@pytest.fixture(scope="session")
def written_hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile thread's reports, written once per session (drawing figures takes a second)."""
    from threadscope.report import write_reports

    out = tmp_path_factory.mktemp("hostile")
    write_reports(make_hostile(), out, {"md", "html"})
    return out


@pytest.fixture(scope="session")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from threadscope.report import write_reports

    out = tmp_path_factory.mktemp("report")
    write_reports(make_results(), out, {"md", "html"})
    return out
