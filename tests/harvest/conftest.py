"""Fixtures of the harvest suite: the generated local government sites, served on 127.0.0.1."""

from __future__ import annotations

import pytest

from tests.harvest import site


@pytest.fixture
def sites():
    family = site.build()
    yield family
    for host in family.hosts():
        site.stop(host)


@pytest.fixture
def sites_csv(sites, tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text(sites.sites_csv(), encoding="utf-8")
    return path
