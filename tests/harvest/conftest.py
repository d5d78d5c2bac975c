"""Fixtures of the harvest suite: the generated local government sites, served on 127.0.0.1."""

from __future__ import annotations

import pytest

from tests.harvest import site


@pytest.fixture(autouse=True)
def no_libreoffice(request, monkeypatch):
    """The suite runs as on a server without LibreOffice (legacy files → unsupported_format), whatever this
    machine has installed; a test asking for `real_libreoffice` converts with the real one."""
    if "real_libreoffice" not in request.fixturenames:
        monkeypatch.setattr("harvest.crawl.libreoffice", lambda: None)


@pytest.fixture
def real_libreoffice():
    from harvest.crawl import libreoffice

    path = libreoffice()
    if path is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    return path


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


BODY = "临江市河西区审批服务管理局"  # publishes its 2025 report on 20 January (site.publish_late)
LAGGARD = "临江市河西区文化旅游体育局"  # never publishes: overdue on 1 February
HEXI, QINGSHUI = 5101, 5102  # chats subscribed to 河西区 and to 清水县


@pytest.fixture
def hexi_registry(engine, tmp_path):
    """Both 河西区 bodies in the registry, and one chat subscribed to each region."""
    from reminders.registry import import_agencies
    from reminders.subscriptions import subscribe

    registry = tmp_path / "registry.csv"
    registry.write_text(
        f"name,kind,region,first_year\n{BODY},department,青川省/临江市/河西区,2019\n"
        f"{LAGGARD},department,青川省/临江市/河西区,2019\n",
        encoding="utf-8",
    )
    import_agencies(engine, registry)
    subscribe(engine, HEXI, scope="region", target="河西区", resolve=False)
    subscribe(engine, QINGSHUI, scope="region", target="清水县", resolve=False)
    return engine
