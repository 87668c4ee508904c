"""`lwiw export <conversation-id> --format pdf|html|json [--easy] [-o FILE]`.

bot/cli.py wires this in with `add_parser(subparsers)`. JSON goes to stdout when no file is
given; PDF and HTML go to a file named after the conversation.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from bot.export import FORMATS, NoConsentError, export_conversation
from bot.settings import get_settings


def default_filename(conversation_id: str, fmt: str, easy: bool) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", conversation_id).strip("._") or "profil"
    return f"lwiw-profil-{safe}{'-leicht' if easy else ''}.{fmt}"


def run(args: argparse.Namespace) -> int:
    from bot.storage.migrate import upgrade_to_head
    from bot.storage.repository import Store

    url = get_settings().database_url
    upgrade_to_head(url)
    store = Store(url)
    try:
        content, _ = export_conversation(store, args.conversation_id, args.format,
                                         easy=args.easy)
    except NoConsentError:
        print(f"Kein Export: Das Gespräch {args.conversation_id!r} gibt es nicht oder es hat "
              "keine Einwilligung zur Speicherung.", file=sys.stderr)
        return 2
    if args.output == "-" or (args.output is None and args.format == "json"):
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return 0
    path = Path(args.output or default_filename(store.canonical_id(args.conversation_id),
                                                 args.format, args.easy))
    path.write_bytes(content)
    print(f"geschrieben: {path} ({len(content)} Bytes)", file=sys.stderr)
    return 0


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "export", help="das Profil eines Gesprächs exportieren (PDF, HTML oder JSON)")
    parser.add_argument("conversation_id", help="die Gesprächskennung (Rasa sender id)")
    parser.add_argument("--format", choices=FORMATS, default="pdf", help="Format (pdf)")
    parser.add_argument("--easy", action="store_true", help="in Leichter Sprache")
    parser.add_argument("-o", "--output", help="Datei ('-': Standardausgabe); "
                                               "JSON ohne -o auf die Standardausgabe")
    parser.set_defaults(func=run)
    return parser
