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
