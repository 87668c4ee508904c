"""`lwiw staff add <name> --role counsellor|admin`, `lwiw staff reset-totp <name>` and
`lwiw purge [--older-than DAYS] [--audit-older-than DAYS]`.

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


def cmd_staff_reset_totp(args: argparse.Namespace) -> int:
    """For a lost phone: the account sets up its second factor again (admins must do so
    at their next login)."""
    from bot.staff.accounts import Accounts

    accounts = Accounts(_database())
    account = accounts.by_name(args.name)
    if account is None:
        print(f"Fehler: Ein Konto „{args.name}“ gibt es nicht.", file=sys.stderr)
        return 2
    accounts.reset_totp(account.id, by="lwiw staff reset-totp")
    print(f"Zwei-Faktor-Anmeldung zurückgesetzt: {account.name}")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from bot.staff.retention import Retention
    from bot.storage.repository import Store

    settings = get_settings()
    days = args.older_than if args.older_than is not None else settings.retention_days
    audit_days = (args.audit_older_than if args.audit_older_than is not None
                  else settings.audit_retention_days)
    if days < 1 or audit_days < 1:
        print("Fehler: --older-than und --audit-older-than müssen mindestens 1 Tag sein.",
              file=sys.stderr)
        return 2
    report = Retention(Store(_database())).purge(days, audit_older_than_days=audit_days)
    print(f"Aufbewahrungsfrist: {days} Tage (Stichtag {report.cutoff:%Y-%m-%d %H:%M} UTC)")
    print(f"deleted conversations: {len(report.conversations)}")
    for conversation_id in report.conversations:
        print(f"  {conversation_id}")
    print(f"deleted trackers without consent: {len(report.trackers_without_consent)}")
    print(f"completed tracker deletions: {len(report.pending_completed)}")
    print(f"Aufbewahrungsfrist des Protokolls: {audit_days} Tage "
          f"(Stichtag {report.audit_cutoff:%Y-%m-%d %H:%M} UTC)")
    print(f"deleted audit entries: {report.audit_entries}")
    return 0


def add_parsers(subparsers) -> None:
    staff = subparsers.add_parser("staff", help="Konten der Fachkräfte-Konsole")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_sub.add_parser("add", help="ein Konto anlegen (Passwort wird abgefragt)")
    add.add_argument("name", help="Anmeldename")
    add.add_argument("--role", choices=("counsellor", "admin"), required=True,
                     help="counsellor (Fachkraft) oder admin")
    add.set_defaults(func=cmd_staff_add)
    reset = staff_sub.add_parser(
        "reset-totp", help="Zwei-Faktor-Anmeldung eines Kontos zurücksetzen (verlorenes "
                           "Telefon); es richtet sie bei der nächsten Anmeldung neu ein")
    reset.add_argument("name", help="Anmeldename")
    reset.set_defaults(func=cmd_staff_reset_totp)

    purge = subparsers.add_parser(
        "purge", help="Gespräche nach Ablauf der Aufbewahrungsfrist löschen und "
                      "ausstehende Löschungen abschließen")
    purge.add_argument("--older-than", type=int, metavar="DAYS", default=None,
                       help="Tage ohne Aktivität (Standard: LWIW_RETENTION_DAYS)")
    purge.add_argument("--audit-older-than", type=int, metavar="DAYS", default=None,
                       help="Protokolleinträge, die älter sind, werden gelöscht "
                            "(Standard: LWIW_AUDIT_RETENTION_DAYS)")
    purge.set_defaults(func=cmd_purge)
