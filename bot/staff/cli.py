"""`lwiw staff add <name> --role counsellor|admin` and `lwiw purge [--older-than DAYS]`.

The password is asked twice with getpass on a terminal; when stdin is not a terminal (a
script, a test) the first line of stdin is the password.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TextIO

from bot.settings import get_settings


def read_password(stdin: TextIO | None = None) -> str:
    stdin = stdin or sys.stdin
    if not stdin.isatty():
        return stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Passwort: ")
    second = getpass.getpass("Passwort wiederholen: ")
    if first != second:
        raise ValueError("Die beiden Passwörter stimmen nicht überein.")
    return first


def _database() -> str:
    from bot.storage.migrate import upgrade_to_head

    url = get_settings().database_url
    upgrade_to_head(url)
    return url


def cmd_staff_add(args: argparse.Namespace) -> int:
    from bot.staff.accounts import AccountError, Accounts

    try:
        password = read_password()
        account = Accounts(_database()).create(args.name, args.role, password)
    except (AccountError, ValueError) as error:
        print(f"Fehler: {error}", file=sys.stderr)
        return 2
    role = "Administration" if account.is_admin else "Fachkraft"
    print(f"Konto angelegt: {account.name} ({role})")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from bot.staff.retention import Retention
    from bot.storage.repository import Store

    days = args.older_than if args.older_than is not None else get_settings().retention_days
    if days < 1:
        print("Fehler: --older-than muss mindestens 1 Tag sein.", file=sys.stderr)
        return 2
    report = Retention(Store(_database())).purge(days)
    print(f"Aufbewahrungsfrist: {days} Tage (Stichtag {report.cutoff:%Y-%m-%d %H:%M} UTC)")
    print(f"deleted conversations: {len(report.conversations)}")
    for conversation_id in report.conversations:
        print(f"  {conversation_id}")
    print(f"deleted trackers without consent: {len(report.trackers_without_consent)}")
    print(f"completed tracker deletions: {len(report.pending_completed)}")
    return 0


def add_parsers(subparsers) -> None:
    staff = subparsers.add_parser("staff", help="Konten der Fachkräfte-Konsole")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_sub.add_parser("add", help="ein Konto anlegen (Passwort wird abgefragt)")
    add.add_argument("name", help="Anmeldename")
    add.add_argument("--role", choices=("counsellor", "admin"), required=True,
                     help="counsellor (Fachkraft) oder admin")
    add.set_defaults(func=cmd_staff_add)

    purge = subparsers.add_parser(
        "purge", help="Gespräche nach Ablauf der Aufbewahrungsfrist löschen und "
                      "ausstehende Löschungen abschließen")
    purge.add_argument("--older-than", type=int, metavar="DAYS", default=None,
                       help="Tage ohne Aktivität (Standard: LWIW_RETENTION_DAYS)")
    purge.set_defaults(func=cmd_purge)
