"""The API's OpenAPI schema as JSON: the source of the web client's generated TypeScript types.

`python -m vtrack.api.openapi [-o FILE]`; `make api-types` turns it into web/src/lib/api-schema.ts.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from vtrack.api.app import create_app
from vtrack.config import Settings


def openapi_schema() -> dict[str, Any]:
    """The schema of an API-only app on a throwaway data dir (nothing runs, nothing is kept)."""
    with tempfile.TemporaryDirectory(prefix="vtrack-openapi-") as data_dir:
        return create_app(Settings(data_dir=Path(data_dir)), run_workers=False).openapi()


def schema_text(schema: dict[str, Any]) -> str:
    """Stable text: the same code gives the same bytes, so a diff shows only real changes."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vtrack.api.openapi", description=__doc__)
    parser.add_argument("-o", "--output", help="write here instead of stdout")
    args = parser.parse_args(argv)
    text = schema_text(openapi_schema())
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
