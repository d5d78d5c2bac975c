"""`disclosure-bot harvest`: a JSON summary, a clear error for a bad sites file, --reparse offline."""

from __future__ import annotations

import json

from bot.cli import main


def test_cli_harvest_json_then_reparse(sites, sites_csv, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    raw = str(tmp_path / "raw")
    args = ["--database-url", url, "harvest", "--sites", str(sites_csv), "--raw", raw, "--interval", "0.02"]
    assert main([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert len([r for r in out["reports"] if r["outcome"] == "stored"]) == len(sites.expected)
    assert any(u.endswith("b.doc") for u in out["unsupported_format"])
    # an answer drawn from a harvested report shows where it was published, and when
    assert main(["--database-url", url, "ask", "临江市河西区教育局 2023 依申请数"]) == 0
    answer = capsys.readouterr().out
    assert f"网址：{sites.trs.base}/xxgk/ndbg/202402/P020240205123456.pdf" in answer and "发布：2024-02-05" in answer
    assert main(["--database-url", url, "harvest", "--reparse", "--raw", raw]) == 0
    assert "unchanged" in capsys.readouterr().out


def test_cli_harvest_bad_sites_file(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,kind,region,url\n某局,department,某区,ftp://nowhere\n", encoding="utf-8")
    assert main(["--database-url", f"sqlite:///{tmp_path / 'c.db'}", "harvest", "--sites", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "line 2" in err and "Traceback" not in err
    assert main(["--database-url", f"sqlite:///{tmp_path / 'c.db'}", "harvest"]) == 1
    assert "--sites" in capsys.readouterr().err


def test_cli_harvest_region_filter(sites, sites_csv, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'r.db'}"
    base = ["--database-url", url, "harvest", "--sites", str(sites_csv), "--raw", str(tmp_path / "raw"),
            "--interval", "0.02", "--json"]
    assert main([*base, "--region", "清水县"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["reports"] and sites.trs.log == []  # only the 清水县 site was visited
    assert main([*base, "--region", "火星区"]) == 1
    assert "火星区" in capsys.readouterr().err


def _registry(sites, tmp_path) -> str:
    """河西区 and 清水县: each people's government with its site (the region's portal), their departments
    without a url (found through the portal), and a 城关区 body with no url and no portal above it."""
    path = tmp_path / "registry.csv"
    path.write_text(
        "name,kind,region,first_year,url\n"
        f"临江市河西区人民政府,people_gov,青川省/临江市/河西区,2019,{sites.trs.base}/\n"
        "临江市河西区教育局,department,青川省/临江市/河西区,2019,\n"
        f"白石市清水县人民政府,people_gov,青川省/白石市/清水县,2019,{sites.hanweb.base}/col/col1234/index.html\n"
        "白石市清水县公安局,department,青川省/白石市/清水县,2019,\n"
        "临江市城关区民政局,department,青川省/临江市/城关区,2019,\n",
        encoding="utf-8",
    )
    return str(path)


def test_cli_harvest_region_over_the_registry(sites, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'g.db'}"
    assert main(["--database-url", url, "import-agencies", _registry(sites, tmp_path)]) == 0
    capsys.readouterr()
    base = ["--database-url", url, "harvest", "--raw", str(tmp_path / "raw"), "--interval", "0.02"]
    assert main([*base, "--region", "临江市"]) == 0
    out, err = capsys.readouterr()
    assert "经由门户" in err and "临江市河西区教育局" in err  # the department is looked for on its portal
    assert "没有网址" in err and "临江市城关区民政局" in err  # and the body nothing can reach is named
    assert sites.trs.log and sites.hanweb.log == []  # only 临江市's portal was visited
    from sqlmodel import Session, select

    from storage.db import get_engine
    from storage.models import Agency, Report

    eng = get_engine(url)
    with Session(eng) as s:
        found = {(n, y) for n, y in s.exec(select(Agency.name, Report.year).join(Report)).all()}
    eng.dispose()
    assert found == {(n, y) for n, y in sites.expected if n.startswith("临江市")}
    assert main([*base, "--region", "清水县", "--json"]) == 0
    stored = [r for r in json.loads(capsys.readouterr().out.strip().splitlines()[-1])["reports"]
              if r["outcome"] == "stored"]
    assert len(stored) == len([n for n, _y in sites.expected if n.startswith("白石市")])


def test_cli_harvest_region_without_urls_says_how_to_add_them(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'n.db'}"
    reg = tmp_path / "r.csv"
    reg.write_text("name,kind,region,first_year\n某市某局,department,某省/某市,2019\n", encoding="utf-8")
    assert main(["--database-url", url, "import-agencies", str(reg)]) == 0
    capsys.readouterr()
    assert main(["--database-url", url, "harvest", "--region", "某市"]) == 1
    assert "url" in capsys.readouterr().err
    assert main(["--database-url", url, "harvest", "--region", "火星区"]) == 1
    assert "登记册里没有「火星区」" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("name,kind,region,first_year,url\n某局,department,某市,2019,ftp://x\n", encoding="utf-8")
    assert main(["--database-url", url, "import-agencies", str(bad)]) == 1
    assert "ftp://x" in capsys.readouterr().err
