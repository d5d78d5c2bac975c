"""CLI commands of the harvest area: `starter` (load the shipped real figures) and `harvest`.

Registered by bot/cli.py with one line (`cli_harvest.register(sub)`), so this area's commands live
in one module of their own.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def cmd_starter(args: argparse.Namespace) -> int:
    from bot.cli import _engine
    from bot.samples import STARTER_FILE, ensure_starter

    print("正在检查数据库 (checking the store)…", flush=True)
    results = ensure_starter(_engine(args), STARTER_FILE)
    if results is None:
        print("库里已有报告，未加载起步数据 (the store already has reports; starter dataset not loaded)")
        return 0
    stored = sum(1 for r in results if r.outcome in {"stored", "replaced"})
    print(
        f"已加载起步数据：{stored} 份公开年报的数字（不含原文）"
        f" (loaded the starter dataset: figures of {stored} public reports, no report text)"
    )
    return 0


def cmd_harvest(args: argparse.Namespace) -> int:
    import asyncio
    import json

    from bot.cli import CliError, _engine
    from harvest.fetch import FetchPolicy
    from service.harvest import SitesError, harvest, in_region, read_sites

    if args.reparse:
        from service.harvest import reparse_raw

        counts = reparse_raw(_engine(args), Path(args.raw))
        print("重新解析原始文件 (re-parsed the raw store, no network): "
              + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        return 0
    if not args.sites and not args.region:
        raise CliError("需要 --sites 站点文件或 --region 地区 (a sites CSV name,kind,region,url, or --region PLACE "
                       "over the registry imported with import-agencies and its url column)")
    if args.sites:
        try:
            sites = read_sites(Path(args.sites))
        except (OSError, SitesError) as err:
            raise CliError(f"站点文件无法使用 (sites file unusable): {err}") from err
        if args.region:
            sites = in_region(sites, args.region)
            if not sites:
                raise CliError(f"站点文件里没有「{args.region}」的站点 (no site of {args.region} in the sites file)")
    else:
        sites = _registry_sites(_engine(args), args.region, quiet=args.json)
    policy = FetchPolicy(per_host_interval=args.interval)
    stats = asyncio.run(harvest(_engine(args), sites, Path(args.raw), policy=policy, worker=args.worker))
    if stats is None:
        print("另一个采集任务正在运行 (another harvest run holds the lease); nothing done")
        return 0
    summary = {
        "requests": stats.requests, "bytes": stats.bytes, "fetched": stats.fetched,
        "not_modified": stats.not_modified,
        "reports": [{"url": u, "outcome": o, "report_id": r} for u, o, r in stats.reports],
        "unsupported_format": stats.unsupported, "failed": stats.failed, "disallowed": stats.disallowed,
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return 0
    stored = sum(1 for _u, o, _r in stats.reports if o in ("stored", "replaced"))
    print(f"采集完成：请求 {stats.requests} 次，{stats.bytes} 字节；新入库报告 {stored} 份；未变化 {stats.not_modified} 页")
    for url in stats.unsupported:
        print(f"  unsupported_format（需要 LibreOffice 转换）: {url}")
    for url in stats.failed:
        print(f"  failed: {url}")
    return 0


def _registry_sites(engine, place: str, *, quiet: bool) -> list:
    """The place's sites from the stored registry; says on stderr which bodies go through a portal and
    which cannot be reached (no url in the registry, no portal above them)."""
    import sys

    from bot.cli import CliError
    from service.harvest import registry_sites

    found = registry_sites(engine, place)
    if not found.bodies:
        raise CliError(f"登记册里没有「{place}」的单位 (no body of {place} in the registry; "
                       "import one with import-agencies, columns name,kind,region,first_year,url)")
    if not found.sites:
        raise CliError(f"「{place}」的 {found.bodies} 个单位在登记册里都没有网址，本地也没有政府门户网址 "
                       "(no body of the place has a url in the registry, nor has its people's government): "
                       "在登记册 CSV 的 url 列补上网址后重新 import-agencies")
    if not quiet:
        print(f"「{place}」：登记册 {found.bodies} 个单位，{len(found.own)} 个有自己的网址，"
              f"{sum(len(v) for v in found.via_portal.values())} 个经由政府门户查找，"
              f"{len(found.unreachable)} 个无法查找", file=sys.stderr)
        for portal, bodies in found.via_portal.items():
            print(f"  经由门户 {portal}：{'、'.join(bodies[:10])}{' 等' if len(bodies) > 10 else ''}", file=sys.stderr)
        if found.unreachable:
            print(f"  没有网址（请在登记册 url 列补上）：{'、'.join(found.unreachable[:20])}", file=sys.stderr)
    return found.sites


def register(sub: argparse._SubParsersAction) -> None:
    """Add this area's subcommands to the `disclosure-bot` parser."""
    s = sub.add_parser("starter", help="load the starter dataset (figures of real public reports) into an empty store")
    s.set_defaults(func=cmd_starter)

    s = sub.add_parser("harvest", help="collect annual reports from government sites (polite, resumable)")
    s.add_argument("--sites", default=None, help="CSV: name,kind,region,url (the site or its 年报 column)")
    s.add_argument("--reparse", action="store_true", help="re-parse the raw store's reports (no network)")
    s.add_argument("--region", default=None,
                   help="only this place (e.g. 银川市): its sites in --sites, or without --sites the registry's "
                        "bodies of the place (their url column, else their people's government's portal)")
    s.add_argument("--raw", default="data/raw", help="content-addressed store of fetched files")
    s.add_argument("--interval", type=float, default=1.0, help="seconds between requests to one host")
    s.add_argument("--worker", default="harvest", help="worker name (several share one PostgreSQL frontier)")
    s.add_argument("--json", action="store_true", help="one JSON summary line")
    s.set_defaults(func=cmd_harvest)
