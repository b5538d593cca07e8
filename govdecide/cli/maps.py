"""``python -m govdecide import-map FILE --scenario SCENARIO --out NEW.yaml``: your own map.

Reads a GeoJSON or TopoJSON boundary file (checked and repaired as the data page does,
in a child process with a time and memory limit, :mod:`govdecide.io.boundary_guard`),
matches its features to the scenario's districts (``--match-by``: auto, name, id or a
property such as an adcode), applies the fixes given (``--fix FEATURE=DISTRICT``,
repeatable; ``FEATURE=`` leaves a feature out), prints what it noticed, what matched and
what did not, and writes the new scenario with its map in ``maps/`` beside it (the
scenario's existing map reference), the attribution (``--attribution``) in the map.
Bad input is listed on stderr with exit code 1 and nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from govdecide.cli.common import EXIT_OK, lang_from_argv
from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import LANGS, fmt_num, localize, t
from govdecide.io.boundaries import (
    map_reference,
    prepare_map,
    read_map,
    scenario_with_map,
)
from govdecide.io.boundary_guard import run_guarded
from govdecide.io.boundary_match import (
    AUTO,
    apply_fixes,
    match_counts,
    match_features,
    parse_fixes,
)
from govdecide.io.boundary_read import MAX_MAP_BYTES, map_error
from govdecide.io.scenario import Scenario, load_scenario, scenario_to_yaml

BUNDLED = Path(__file__).resolve().parents[2] / "scenarios"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``import-map`` to the command line."""
    lang = lang_from_argv(sys.argv[1:])
    p = subparsers.add_parser(
        "import-map", help=t("maps.cli.help", lang), description=t("maps.cli.help", lang)
    )
    p.add_argument("file", metavar="FILE", help=t("maps.cli.help_file", lang))
    p.add_argument(
        "--scenario", required=True, metavar="SCENARIO", help=t("maps.cli.help_scenario", lang)
    )
    p.add_argument("--out", required=True, metavar="NEW.yaml", help=t("maps.cli.help_out", lang))
    p.add_argument(
        "--match-by", dest="match_by", default=AUTO, help=t("maps.cli.help_match_by", lang)
    )
    p.add_argument(
        "--fix",
        dest="fixes",
        action="append",
        default=[],
        metavar="FEATURE=DISTRICT",
        help=t("maps.cli.help_fix", lang),
    )
    p.add_argument("--attribution", help=t("maps.cli.help_attribution", lang))
    p.add_argument("--object", dest="object_name", help=t("maps.cli.help_object", lang))
    p.add_argument(
        "--lang", choices=LANGS, default=argparse.SUPPRESS, help=t("cli.help_lang", lang)
    )
    p.set_defaults(handler=cmd_import_map)


def _scenario(name: str) -> tuple[Scenario, Path]:
    """The scenario file named (or a bundled scenario by its name) and its folder."""
    path = Path(name)
    if not path.exists() and (BUNDLED / f"{name}.yaml").is_file():
        path = BUNDLED / f"{name}.yaml"
    return load_scenario(path), path.parent


def _read(path: Path) -> bytes:
    """The boundary file's bytes, refused before reading when too large."""
    try:
        if path.stat().st_size > MAX_MAP_BYTES:
            raise map_error("map_too_large", path.name, mb=MAX_MAP_BYTES >> 20)
        return path.read_bytes()
    except OSError as exc:
        raise ScenarioError(
            [Problem("", "cannot_read", {"detail": exc.strerror or str(exc)}, None, path.name)]
        ) from None


def _write(path: Path, text: str) -> None:
    """Write an output file; a failure is bad input (a path the user gave), not a trace."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(
            [Problem("", "cannot_write", {"detail": exc.strerror or str(exc)}, None, str(path))]
        ) from None


def cmd_import_map(args: argparse.Namespace) -> int:
    """Read, check, match, fix, prepare and write (see the module's doc)."""
    lang, out, write = args.lang, Path(args.out), sys.stdout.write
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise ScenarioError([Problem("--out", "map_out_not_yaml", {}, None, None)])
    scenario, _ = _scenario(args.scenario)
    source = Path(args.file)
    boundaries = run_guarded(
        read_map, _read(source), source.name, args.object_name, file=source.name
    )
    for note in boundaries.notes:
        write(f"- {note.message(lang)}\n")
    match = match_features(boundaries, scenario, args.match_by)
    match = apply_fixes(
        match, parse_fixes(args.fixes, boundaries, match, scenario), boundaries, scenario
    )
    counts = match_counts(match, boundaries, scenario)
    write(
        t(
            "maps.cli.matched", lang, matched=counts.matched, districts=counts.districts,
            field=match.by, unmatched=counts.unmatched_features, features=counts.features,
        )
        + "\n"
    )  # fmt: skip
    for feature in match.unmatched(boundaries):
        write("  " + t("maps.cli.unmatched_feature", lang, feature=feature.label()) + "\n")
    for district in match.missing(scenario):
        name = localize(scenario.district(district).name, lang)
        write("  " + t("maps.cli.missing", lang, district=f"{district} ({name})") + "\n")
    prepared = run_guarded(
        prepare_map, boundaries, match, scenario, args.attribution, file=source.name
    )
    reference = map_reference(out.stem, prepared)
    new = scenario_with_map(scenario, reference, prepared)
    _write(out.parent / reference, prepared.text)
    _write(out, scenario_to_yaml(new))
    write(
        t(
            "maps.cli.written", lang, out=str(out), map=str(out.parent / reference),
            districts=prepared.districts, before=fmt_num(prepared.points_before, lang),
            after=fmt_num(prepared.points_after, lang),
        )
        + "\n"
    )  # fmt: skip
    return EXIT_OK
