"""Two names joined by 和/与/、 are two agencies, even where a place name starts with the connector
("和鸣乡", "和平区"); a 和 inside one name (人力资源和社会保障局) stays part of it.

Found by bench/scale.py: at 50,000 bodies, "A和B … 对比" was read as one mistyped name 14 times in 20."""

from __future__ import annotations

import pytest

from query.engine import Answerer
from tests.query.conftest import TODAY, said, v2019
from tests.query.store import FakeReport, write_reports

HR = "青川省临江市人力资源和社会保障局"
POLICE = "青川省白石市城关区公安分局"
VETS = "鸣临市梅阳区退役军人事务局"  # after a 和, "和鸣" reads as the place 和鸣乡
HEMING = "青川省乐翠市凌临区和鸣乡人民政府"
HEPING = "青川省临江市和平区教育局"
PINGAN = "平安县财政局"  # after a 和, "和平" reads as the place 和平区


@pytest.fixture(scope="module")
def answerer(tmp_path_factory) -> Answerer:
    from storage.db import create_all, get_engine

    eng = get_engine(f"sqlite:///{tmp_path_factory.mktemp('connectors') / 'store.db'}")
    create_all(eng)
    paths = {
        HR: "青川省/临江市",
        POLICE: "青川省/白石市/城关区",
        VETS: "青川省/鸣临市/梅阳区",
        HEMING: "青川省/乐翠市/凌临区/和鸣乡",
        HEPING: "青川省/临江市/和平区",
        PINGAN: "青川省/临江市/平安县",
    }
    write_reports(eng, [FakeReport(name, 2020, "2019", v2019(i + 1), region_path=path)
                        for i, (name, path) in enumerate(paths.items())])
    return Answerer(eng)


@pytest.mark.parametrize("sep", ["和", " 和 ", "与", "、", "跟", "，"])
@pytest.mark.parametrize(("a", "b"), [(POLICE, VETS), (POLICE, HEMING), (HR, HEPING), (VETS, HR),
                                        (HR, PINGAN), (HEMING, VETS)])
def test_two_names_joined_by_a_connector_are_compared(answerer, sep, a, b):
    answer = answerer.ask(f"{a}{sep}{b} 2020 依申请数 对比", today=TODAY)
    assert answer.status == "ok", said(answer)
    assert {row.agency for row in answer.answers} == {a, b}, said(answer)


def test_a_connector_inside_a_name_stays_in_the_name(answerer):
    answer = answerer.ask(f"{HR} 2020 依申请数", today=TODAY)
    assert answer.status == "ok" and [row.agency for row in answer.answers] == [HR]
    answer = answerer.ask("和鸣乡 2020 依申请数", today=TODAY)
    assert answer.status == "ok" and [row.agency for row in answer.answers] == [HEMING], said(answer)
