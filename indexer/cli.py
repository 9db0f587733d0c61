"""The `arshif` command: index, search, serve, stats (a stable contract: scripts rely on it)."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Sequence

from search.config import Settings, load_settings
from search.errors import QueryError

FILTERS = ("lang", "type", "program", "partner", "region", "country", "year", "month")


def _settings(args: argparse.Namespace, **extra: object) -> Settings:
    return load_settings(
        Path(args.config) if getattr(args, "config", None) else None,
        index_dir=getattr(args, "index", None),
        **extra,
    )


class ProgressLine:
    """Files, pages and ETA: one rewritten line on a terminal, plain lines every few seconds otherwise."""

    def __init__(self, stream=sys.stderr) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int, total: int, pages: int, path: str) -> None:
        now = time.monotonic()
        if not self.tty and now - self.last < 5 and done != total:
            return
        self.last = now
        rate = done / max(now - self.started, 1e-6)
        eta = (total - done) / rate if rate else 0
        width = 24
        filled = int(width * done / max(total, 1))
        line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files, {pages} pages, ETA {eta:4.0f}s"
        if self.tty:
            self.stream.write("\r" + line[:120].ljust(120))
            if done == total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def cmd_index(args: argparse.Namespace) -> int:
    """Index the given folders (only what changed), print the summary."""
    from indexer.lock import IndexBusyError
    from indexer.pipeline import run_index

    settings = _settings(args, workers=args.workers)
    roots = [Path(p) for p in args.paths] or None
    if args.watch:
        return _watch(settings, roots)
    try:
        report = run_index(settings, roots, rebuild=args.rebuild, progress=None if args.json else ProgressLine())
    except IndexBusyError as exc:
        print(f"arshif index: {exc}", file=sys.stderr)
        return 3
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(report.summary_lines()))
    return 0


def _watch(settings: Settings, roots: list[Path] | None) -> int:
    """Index, then keep indexing changes until interrupted."""
    from indexer.watch import watch

    def show(report) -> None:
        if report.new or report.updated or report.removed or report.failed or report.rebuilt:
            print("\n".join(report.summary_lines()), flush=True)

    print(f"watching {', '.join(str(r) for r in (roots or settings.corpus))} (Ctrl-C to stop)", flush=True)
    try:
        watch(settings, roots, on_report=show)
    except KeyboardInterrupt:
        pass
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    """`arshif watch`: the same as `arshif index --watch`."""
    settings = _settings(args, workers=args.workers)
    return _watch(settings, [Path(p) for p in args.paths] or None)


def cmd_search(args: argparse.Namespace) -> int:
    """Run one search and print the hits (or the JSON contract with --json)."""
    from search.engine import Engine
    from search.request import parse_request

    settings = _settings(args)
    params: dict[str, list[str]] = {"q": [args.query]}
    for item in args.filter or []:
        name, sep, value = item.partition("=")
        if not sep or name not in FILTERS:
            print(f"arshif search: --filter takes NAME=VALUE with NAME one of {', '.join(FILTERS)}; got {item!r}", file=sys.stderr)
            return 2
        params.setdefault(name, []).append(value)
    for key, value in (("from", args.date_from), ("to", args.date_to), ("sort", args.sort)):
        if value:
            params[key] = [value]
    params["per_page"] = [str(args.limit)]
    try:
        req = parse_request(params, per_page=args.limit, max_per_page=max(args.limit, 100))
        from search.taxonomy import load_taxonomy

        engine = Engine(settings.index_dir, taxonomy=load_taxonomy(settings.taxonomy))
        try:
            result = engine.search(req, principals=None)  # the operator sees all
        finally:
            engine.close()
    except (QueryError, FileNotFoundError) as exc:
        print(f"arshif search: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(f"{result.total} documents ({result.mode} words, {result.took_ms:.1f} ms)")
    if result.message:
        print(result.message)
    for hit in result.hits:
        print(f"- {hit.date or '????-??-??'}  [{hit.lang}] {hit.title}  ({hit.path})")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the web UI and JSON API with a production WSGI server (waitress)."""
    import waitress

    from web import create_app

    settings = _settings(args, host=args.host, port=args.port)
    app = create_app(settings=settings)
    print(f"Arshif serving {settings.index_dir} on http://{settings.host}:{settings.port}", flush=True)
    waitress.serve(app, host=settings.host, port=settings.port, threads=settings.threads, ident="arshif")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """Print the index size and facet distribution."""
    from search.engine import Engine

    settings = _settings(args)
    try:
        engine = Engine(settings.index_dir)
        try:
            stats = engine.stats(principals=None)
        finally:
            engine.close()
    except FileNotFoundError as exc:
        print(f"arshif stats: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return 0
    print(f"{stats['documents']} documents in {stats['index_dir']}")
    for name, counts in stats["facets"].items():
        top = ", ".join(f"{v} {c}" for v, c in sorted(counts.items(), key=lambda kv: -kv[1])[:8])
        print(f"  {name}: {top}")
    return 0


def cmd_user(args: argparse.Namespace) -> int:
    """Add or replace a staff account (password from a prompt, or one line on stdin with --password-stdin)."""
    import getpass

    from search.accounts import add_user, load_accounts

    settings = _settings(args)
    if args.action == "list":
        for account in load_accounts(settings.users_file).values():
            print(f"{account.name}\t{','.join(account.groups) or '-'}")
        return 0
    if not args.name:
        print("arshif user add: give the user name", file=sys.stderr)
        return 2
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            print("arshif user add: the two passwords differ", file=sys.stderr)
            return 2
    account = add_user(settings.users_file, args.name, password, tuple(args.group or ()))
    print(f"user {account.name} saved in {settings.users_file} (groups: {', '.join(account.groups) or 'none'})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (kept stable: later tooling relies on these names)."""
    parser = argparse.ArgumentParser(prog="arshif", description="Search the ministry's archive (French/Arabic).")
    parser.add_argument("--config", help="settings file (default: ./arshif.toml)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="index archive folders (only what changed)")
    p.add_argument("paths", nargs="*", help="folders or files (default: corpus/)")
    p.add_argument("--index", help="index folder (default: var/index)")
    p.add_argument("--workers", type=int, help="extraction processes (default: 2)")
    p.add_argument("--rebuild", action="store_true", help="drop the index and build it anew")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--watch", action="store_true", help="keep running and index changes as they happen")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("watch", help="index, then index changes as they happen (= index --watch)")
    p.add_argument("paths", nargs="*")
    p.add_argument("--index")
    p.add_argument("--workers", type=int)
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("search", help="search the index")
    p.add_argument("query")
    p.add_argument("--index")
    p.add_argument("--filter", action="append", metavar="NAME=VALUE")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    p.add_argument("--sort", choices=["relevance", "date", "-date"], default="relevance")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("serve", help="serve the web UI and JSON API")
    p.add_argument("--index")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("user", help="manage local staff accounts")
    p.add_argument("action", choices=["add", "list"])
    p.add_argument("name", nargs="?")
    p.add_argument("--group", action="append", help="group the user belongs to (repeatable)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=cmd_user)

    p = sub.add_parser("stats", help="index statistics")
    p.add_argument("--index")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `arshif` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    for i in range(len(argv) - 1):  # `--sort -date` would read as an option: glue the value on
        if argv[i] == "--sort" and argv[i + 1].startswith("-"):
            argv[i : i + 2] = [f"--sort={argv[i + 1]}", None]
    args = build_parser().parse_args([a for a in argv if a is not None])
    try:
        return args.func(args)
    except ValueError as exc:  # configuration errors are sentences, not traces
        print(f"arshif: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
