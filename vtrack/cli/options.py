"""Command-line options of each workflow, derived from its request fields (the API's form)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from vtrack.workflows.catalog import WORKFLOWS
from vtrack.workflows.declaration import Workflow

# Shorter spellings people type (the long ones are the API's field names).
ALIASES = {"frame_idx": ("--frame",)}
FIELD_PREFIX = "field_"


def parse_point(text: str) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError("expected X,Y in percent, e.g. 50,40") from exc
    return x, y


def _add_fields(parser: argparse.ArgumentParser, workflow: Workflow) -> None:
    """One option per form field; a yes/no field is a flag (it sends "true")."""
    for name, info in workflow.form.model_fields.items():
        flags = ["--" + name.replace("_", "-"), *ALIASES.get(name, ())]
        if info.annotation is bool:
            parser.add_argument(
                *flags,
                dest=FIELD_PREFIX + name,
                action="store_const",
                const="true",
                help=info.description,
            )
            continue
        parser.add_argument(
            *flags, dest=FIELD_PREFIX + name, metavar=name.upper(), help=info.description
        )
    if "points" in workflow.form.model_fields:
        parser.add_argument(
            "--point",
            type=parse_point,
            action="append",
            metavar="X,Y",
            help="a click on the object, in percent of the frame; repeat for more",
        )
        parser.add_argument(
            "--negative",
            type=parse_point,
            action="append",
            metavar="X,Y",
            help="a click on what is NOT the object",
        )


def add_workflow_commands(
    sub: argparse._SubParsersAction, handler: Callable[[argparse.Namespace, Any], int]
) -> None:
    """`vtrack <command> VIDEO... [fields] [-o OUT]` for every declared workflow."""
    for workflow in WORKFLOWS.values():
        main = workflow.main_output
        parser = sub.add_parser(
            workflow.command,
            help=f"{workflow.summary.lower()} (one or many videos)",
            description=f"{workflow.summary}, on each video given (files or glob patterns). "
            f"The options are the form fields of POST {workflow.endpoint}, checked the same way.",
        )
        parser.add_argument(
            "inputs", nargs="+", metavar="VIDEO", help="video files or glob patterns"
        )
        _add_fields(parser, workflow)
        parser.add_argument(
            "-o",
            "--output",
            help=f"with one video: where to write the {main.label.lower()} (a .mp4 path; the "
            "other outputs go beside it) or a folder; with several: a folder. Default: beside "
            "each video, as <video name>_<output file>",
        )
        if any(o.key == "masks_url" for o in workflow.outputs):
            parser.add_argument("--masks", help="with one video: write the masks zip here")
        parser.add_argument(
            "--verbose", action="store_true", help="also show the libraries' own log output"
        )
        parser.set_defaults(handler=handler, workflow=workflow.name)


def form_fields(args: argparse.Namespace, workflow: Workflow) -> dict[str, str]:
    """The options as the API's form fields (strings), for the same validation."""
    fields = {
        name: str(getattr(args, FIELD_PREFIX + name))
        for name in workflow.form.model_fields
        if getattr(args, FIELD_PREFIX + name, None) is not None
    }
    clicks = [(p, True) for p in getattr(args, "point", None) or []]
    clicks += [(p, False) for p in getattr(args, "negative", None) or []]
    if clicks:
        fields["points"] = json.dumps([{"x": x, "y": y, "positive": pos} for (x, y), pos in clicks])
    return fields
