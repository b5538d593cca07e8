"""The command line: ``python -m govdecide <command> ...``.

One module per group of commands registers its subcommands (``register(subparsers)``,
setting ``handler=fn`` where ``fn(args) -> int`` returns the exit code): ``solving``
(validate, solve), ``analyses`` (frontier, budget-curve, min-budget, robustness),
``files`` (report, import-table), ``store`` (db upgrade, workspace new|export|import)
and ``workspace`` (scenarios, options, decisions, record). This module only builds the
parser, runs the handler and turns bad input (:class:`ScenarioError`, a bad option) into
plain messages on stderr with exit code 1, never a traceback: the people who run it are
policymakers and trainers.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from govdecide.cli import analyses, files, maps, plan, solving, store, workspace
from govdecide.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    Parser,
    UsageError,
    lang_from_argv,
    name_flags,
    terminal_safe_output,
)
from govdecide.errors import ScenarioError
from govdecide.i18n import LANGS, normalize_lang, t

COMMAND_GROUPS = (solving, analyses, plan, files, maps, store, workspace)


def build_parser(lang: str = "en") -> argparse.ArgumentParser:
    """The full parser: global options, then every registered area's subcommands."""
    parser = Parser(prog="python -m govdecide", description=t("cli.description", lang))
    parser.add_argument("--lang", choices=LANGS, default="en", help=t("cli.help_lang", lang))
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=Parser, title=t("cli.commands", lang)
    )
    subparsers.required = True
    for group in COMMAND_GROUPS:
        group.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code (0 result, 1 bad input, 2 infeasible).

    All it prints, messages about bad input too, goes through
    :func:`~govdecide.cli.common.terminal_safe_output`.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    with terminal_safe_output():
        return _run(argv)


def _run(argv: list[str]) -> int:
    """Parse and run; bad input becomes a message on stderr and exit code 1."""
    lang = lang_from_argv(argv)
    try:
        parser = build_parser(lang)
        args = parser.parse_args(argv)
        args.lang = normalize_lang(args.lang)
        return int(args.handler(args))
    except UsageError as exc:
        sys.stderr.write(exc.usage)
        sys.stderr.write(t("cli.usage_error", lang, detail=exc.message) + "\n")
        return EXIT_BAD_INPUT
    except ScenarioError as exc:
        sys.stderr.write(name_flags(exc).messages_text(lang) + "\n")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        sys.stderr.write(t("cli.interrupted", lang) + "\n")
        return 130
    except BrokenPipeError:
        # output piped into `head` and closed early: not an error of ours
        return EXIT_OK
