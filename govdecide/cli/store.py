"""The store on the command line: ``db upgrade`` and ``workspace new|export|import``, and
what every command that uses the store shares.

Every such command takes ``--db URL``; without it the database is the app's (the
environment variable ``GOVDECIDE_DATABASE_URL``, else the SQLite file in
``GOVDECIDE_DATA_DIR`` or ``./.govdecide/``, see :mod:`govdecide.store.database`), so a
trainer who runs a command in the folder the app runs from works on the app's workspaces.
A command that only reads or adds to a workspace never creates a SQLite file: a mistyped
``--db`` or the wrong folder is said, not answered with an empty new database.

A database that cannot be used (no server, a read-only file, a bad URL, a schema of a
newer govdecide) is a message and exit code 1, like any bad input, never a traceback
(:func:`store_command`). A wrong key is the same; the key itself is never printed back
in a message, only by ``workspace new`` and ``workspace import``, whose output it is: on
stdout alone, so that ``KEY=$(python -m govdecide workspace new)`` works, while what a
person reads goes to stderr.

A backup is written whole or not at all (a temporary file beside it, then renamed), and
readable only by its owner: it holds every scenario, option and decision of the
workspace, though not its key.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from govdecide.cli.common import EXIT_BAD_INPUT, EXIT_OK, lang_from_argv
from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import t
from govdecide.io.exports import plain_text
from govdecide.store import Limits, Store, StoreUnavailable, Workspace, database_url, upgrade
from govdecide.store.backup import backup_text, max_backup_bytes
from govdecide.store.database import show_url
from govdecide.store.records import as_mb

Handler = Callable[[argparse.Namespace], int]


# -- what every store command shares ---------------------------------------------------


def add_db_option(parser: argparse.ArgumentParser, lang: str) -> None:
    """``--db URL``: the database to use (default: the app's)."""
    parser.add_argument("--db", metavar="URL", default=None, help=t("ws.cli.help_db", lang))


def add_key_argument(parser: argparse.ArgumentParser, lang: str) -> None:
    """The workspace's key, the first argument of every command on one workspace."""
    parser.add_argument("key", metavar="KEY", help=t("ws.cli.help_key", lang))


def store_command(handler: Handler) -> Handler:
    """Run ``handler``; a database that cannot be used becomes a message and exit code 1."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except StoreUnavailable as exc:
            sys.stderr.write(unavailable_text(exc, args.db, args.lang) + "\n")
            return EXIT_BAD_INPUT

    return run


def unavailable_text(exc: StoreUnavailable, url: str | None, lang: str) -> str:
    """What a person at a terminal reads when the database cannot be used, and what to
    check (the URL shown without its password)."""
    try:
        shown = show_url(database_url(url))
    except StoreUnavailable:  # the URL itself is what cannot be used
        shown = ""
    return t(f"ws.cli.db_{exc.reason}", lang, url=shown, detail=exc.detail)


@contextmanager
def opened_store(args: argparse.Namespace, create: bool = False) -> Iterator[Store]:
    """The store of ``--db`` (or the app's), migrated, closed at the end.

    Without ``create`` a SQLite file that does not exist is an error rather than a new
    empty database (see the module's docstring).
    """
    url = database_url(args.db)
    if not create and url.get_backend_name() == "sqlite":
        file = url.database or ""
        if not file.startswith("file:") and not Path(file).is_file():  # file: a SQLite URI
            raise ScenarioError([Problem("--db", "ws_no_database", {"url": show_url(url)})])
    with Store.open(url) as store:
        yield store


def open_workspace(store: Store, key: str) -> Workspace:
    """The workspace ``key`` opens, or a message that none does (the key not repeated)."""
    workspace = store.open_workspace(key)
    if workspace is None:
        raise ScenarioError([Problem("KEY", "ws_no_workspace", {})])
    return workspace


def read_file(path: str, limit_bytes: int) -> bytes:
    """A file's bytes, refused in words when it is missing, unreadable or over the limit
    (its size checked before it is read)."""
    target = Path(path)
    name = plain_text(target.name)
    try:
        if target.stat().st_size > limit_bytes:
            limit = as_mb(limit_bytes)
            raise ScenarioError([Problem("", "file_too_large", {"limit_mb": limit}, None, name)])
        return target.read_bytes()
    except OSError as exc:
        detail = exc.strerror or str(exc)
        raise ScenarioError([Problem("", "cannot_read", {"detail": detail}, None, name)]) from None


def write_whole(path: str, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all, readable by its owner only."""
    target = Path(path)
    temporary: str | None = None
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=target.parent, prefix=f".{target.name}.", delete=False
        ) as fh:
            temporary = fh.name
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        detail = exc.strerror or str(exc)
        raise ScenarioError([Problem("", "cannot_write", {"detail": detail}, None, path)]) from None


def counts(workspace: Workspace) -> dict[str, int]:
    """How many scenarios, options and decisions a workspace holds (for messages)."""
    return {
        "scenarios": len(workspace.scenarios()),
        "options": len(workspace.options()),
        "decisions": len(workspace.decisions()),
    }


# -- the commands ----------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``db upgrade`` and ``workspace new|export|import`` to the command line."""
    lang = lang_from_argv(sys.argv[1:])
    p_db = subparsers.add_parser("db", help=t("ws.cli.db_help", lang),
                                 description=t("ws.cli.db_help", lang))  # fmt: skip
    db_actions = p_db.add_subparsers(dest="action", metavar="ACTION")
    db_actions.required = True
    p_up = db_actions.add_parser("upgrade", help=t("ws.cli.upgrade_help", lang),
                                 description=t("ws.cli.upgrade_help", lang))  # fmt: skip
    add_db_option(p_up, lang)
    p_up.set_defaults(handler=store_command(cmd_db_upgrade))

    p_ws = subparsers.add_parser("workspace", help=t("ws.cli.workspace_help", lang),
                                 description=t("ws.cli.workspace_help", lang))  # fmt: skip
    actions = p_ws.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    p_new = actions.add_parser("new", help=t("ws.cli.new_help", lang),
                               description=t("ws.cli.new_help", lang))  # fmt: skip
    add_db_option(p_new, lang)
    p_new.set_defaults(handler=store_command(cmd_workspace_new))

    p_exp = actions.add_parser("export", help=t("ws.cli.export_help", lang),
                               description=t("ws.cli.export_help", lang))  # fmt: skip
    add_key_argument(p_exp, lang)
    p_exp.add_argument("--out", required=True, metavar="FILE.json",
                       help=t("ws.cli.help_out_json", lang))  # fmt: skip
    add_db_option(p_exp, lang)
    p_exp.set_defaults(handler=store_command(cmd_workspace_export))

    p_imp = actions.add_parser("import", help=t("ws.cli.import_help", lang),
                               description=t("ws.cli.import_help", lang))  # fmt: skip
    p_imp.add_argument("file", metavar="FILE.json", help=t("ws.cli.help_backup", lang))
    p_imp.add_argument("--keep-key", dest="keep_key", action="store_true",
                       help=t("ws.cli.help_keep_key", lang))  # fmt: skip
    add_db_option(p_imp, lang)
    p_imp.set_defaults(handler=store_command(cmd_workspace_import))


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Create or upgrade the database's tables to this version's schema."""
    url = database_url(args.db)
    revision = upgrade(url)
    sys.stdout.write(t("ws.cli.upgraded", args.lang, url=show_url(url), revision=revision) + "\n")
    return EXIT_OK


def cmd_workspace_new(args: argparse.Namespace) -> int:
    """Create an empty workspace; its key alone on stdout, what it means on stderr."""
    with opened_store(args, create=True) as store:
        workspace = store.create_workspace()
        url = store.url
    sys.stdout.write(f"{workspace.key}\n")
    sys.stderr.write(t("ws.cli.created", args.lang, url=url) + "\n")
    return EXIT_OK


def cmd_workspace_export(args: argparse.Namespace) -> int:
    """Write the workspace's backup (every scenario, option and decision) to ``--out``."""
    with opened_store(args) as store:
        workspace = open_workspace(store, args.key)
        data = workspace.export()
    write_whole(args.out, backup_text(data))
    numbers = {name: len(data[name]) for name in ("scenarios", "options", "decisions")}
    sys.stdout.write(t("ws.cli.exported", args.lang, out=args.out, **numbers) + "\n")
    return EXIT_OK


def cmd_workspace_import(args: argparse.Namespace) -> int:
    """Restore a backup into a new workspace (new key, on stdout) or, with
    ``--keep-key``, under its old key so that the old links open it again."""
    name = plain_text(Path(args.file).name)
    data = read_file(args.file, max_backup_bytes(Limits()))
    with opened_store(args, create=True) as store:
        try:
            workspace = store.import_workspace(data, keep_key=args.keep_key)
        except ScenarioError as exc:
            raise in_file(exc, name) from None
        numbers = counts(workspace)
        url = store.url
    if workspace.key is not None:
        sys.stdout.write(f"{workspace.key}\n")
        message = t("ws.cli.imported_new", args.lang, file=name, url=url, **numbers)
    else:
        message = t("ws.cli.imported_kept", args.lang, file=name, url=url, **numbers)
    sys.stderr.write(message + "\n")
    return EXIT_OK


def in_file(exc: ScenarioError, name: str) -> ScenarioError:
    """The same problems, each said to be in the backup file ``name`` (a scenario's own
    problems keep their place inside it: ``backup.json, scenarios[0]: ...``)."""
    return ScenarioError(
        [
            Problem(
                p.path, p.code, p.params, p.line, name if p.file is None else f"{name}, {p.file}"
            )
            for p in exc.problems
        ]
    )
