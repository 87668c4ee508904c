"""Staff accounts: argon2 password hashes, roles, login with lockout.

Lockout (issue 6): after MAX_FAILURES wrong passwords in a row an account is locked for
LOCK_MINUTES; from one address at most IP_MAX_FAILURES failed logins in IP_WINDOW_MINUTES
(counted in the audit log, so every web worker sees the same number). While an account is
locked its password is not even checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update

from bot.staff import ROLES
from bot.staff.audit import AuditLog
from bot.staff.repo import Repo
from bot.storage.models import StaffAccount, utcnow

MAX_FAILURES = 5
LOCK_MINUTES = 15
IP_MAX_FAILURES = 20
IP_WINDOW_MINUTES = 15
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024
NAME_PATTERN = re.compile(r"^[\w.@-]{2,64}$")
UNKNOWN_ACTOR = "-"


class AccountError(ValueError):
    """A name, role or password that cannot be used (message in German for the UI)."""


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    role: str
    active: bool
    created_at: datetime
    failed_logins: int
    locked_until: datetime | None
    last_login_at: datetime | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


@dataclass(frozen=True)
class LoginResult:
    status: str  # ok | invalid | locked | blocked
    account: Account | None = None


def _view(row: StaffAccount) -> Account:
    return Account(row.id, row.name, row.role, bool(row.active), row.created_at,
                   row.failed_logins or 0, row.locked_until, row.last_login_at)


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hasher().hash("lwiw-no-such-account")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME_PATTERN.match(name):
        raise AccountError("Der Name muss 2 bis 64 Zeichen lang sein: Buchstaben, Ziffern, "
                           "Punkt, Bindestrich, Unterstrich oder @.")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"Das Passwort muss mindestens {MIN_PASSWORD_CHARS} Zeichen "
                           "lang sein.")
    if len(password) > MAX_PASSWORD_CHARS:
        raise AccountError("Das Passwort ist zu lang.")
    if not password.strip():
        raise AccountError("Das Passwort darf nicht nur aus Leerzeichen bestehen.")
    return password


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError("Die Rolle muss „counsellor“ (Fachkraft) oder „admin“ sein.")
    return role


class Accounts(Repo):
    def __init__(self, database_url: str, audit: AuditLog | None = None) -> None:
        super().__init__(database_url)
        self.audit = audit or AuditLog(database_url)

    # --- reading -------------------------------------------------------------------------

    def get(self, account_id: int) -> Account | None:
        with self._session() as session:
            row = session.get(StaffAccount, account_id)
            return _view(row) if row is not None else None

    def by_name(self, name: str) -> Account | None:
        with self._session() as session:
            row = session.execute(
                select(StaffAccount).where(StaffAccount.name == name)
            ).scalar_one_or_none()
            return _view(row) if row is not None else None

    def all(self) -> list[Account]:
        with self._session() as session:
            rows = session.execute(select(StaffAccount).order_by(StaffAccount.name)).scalars()
            return [_view(row) for row in rows]

    # --- managing ------------------------------------------------------------------------

    def create(self, name: str, role: str, password: str, by: Account | None = None,
               ip: str | None = None, now: datetime | None = None) -> Account:
        name, role, password = check_name(name), check_role(role), check_password(password)
        if self.by_name(name) is not None:
            raise AccountError(f"Ein Konto mit dem Namen „{name}“ gibt es schon.")
        with self._session() as session:
            row = StaffAccount(name=name, role=role, password_hash=hasher().hash(password),
                               active=True, created_at=now or utcnow(), failed_logins=0)
            session.add(row)
            session.commit()
            account = _view(row)
        self.audit.record("account_created", by.name if by else "lwiw staff add",
                          by.id if by else None, detail=f"{name} ({role})", ip=ip, now=now)
        return account

    def set_active(self, account_id: int, active: bool, by: Account,
                   ip: str | None = None) -> Account:
        with self._session() as session:
            row = session.get(StaffAccount, account_id)
            if row is None:
                raise KeyError(account_id)
            row.active = active
            session.commit()
            account = _view(row)
        self.audit.record("account_activated" if active else "account_deactivated", by.name,
                          by.id, detail=account.name, ip=ip)
        return account

    def reset_lockout(self, account_id: int, by: Account, ip: str | None = None) -> Account:
        with self._session() as session:
            row = session.get(StaffAccount, account_id)
            if row is None:
                raise KeyError(account_id)
            row.failed_logins = 0
            row.locked_until = None
            session.commit()
            account = _view(row)
        self.audit.record("lockout_reset", by.name, by.id, detail=account.name, ip=ip)
        return account

    # --- login ---------------------------------------------------------------------------

    def authenticate(self, name: str, password: str, ip: str,
                     now: datetime | None = None) -> LoginResult:
        now = now or utcnow()
        password = password[:MAX_PASSWORD_CHARS]
        window_start = now - timedelta(minutes=IP_WINDOW_MINUTES)
        if self.audit.failed_logins_from(ip, window_start) >= IP_MAX_FAILURES:
            self.audit.record("login_blocked", UNKNOWN_ACTOR, ip=ip, now=now,
                              detail="zu viele Fehlversuche von dieser Adresse")
            return LoginResult("blocked")
        account = self.by_name(name.strip()) if name else None
        if account is None:
            _verify(_dummy_hash(), password)  # the same time as for a real account
            self.audit.record("login_failed", UNKNOWN_ACTOR, ip=ip, now=now,
                              detail="unbekannter Name")
            return LoginResult("invalid")
        if account.locked_at(now):
            self.audit.record("login_locked", account.name, account.id, ip=ip, now=now,
                              detail="Konto gesperrt")
            return LoginResult("locked", account)
        with self._session() as session:
            row = session.get(StaffAccount, account.id)
            ok = _verify(row.password_hash, password)
            if ok and row.active:
                row.failed_logins = 0
                row.locked_until = None
                row.last_login_at = now
                if hasher().check_needs_rehash(row.password_hash):
                    row.password_hash = hasher().hash(password)
                session.commit()
                self.audit.record("login", account.name, account.id, ip=ip, now=now)
                return LoginResult("ok", _view(row))
        if ok:  # right password, but the account was deactivated
            self.audit.record("login_failed", account.name, account.id, ip=ip, now=now,
                              detail="Konto deaktiviert")
            return LoginResult("invalid", account)
        return self._failed(account, ip, now)

    def _failed(self, account: Account, ip: str, now: datetime) -> LoginResult:
        with self._session() as session:
            if account.locked_until is not None:  # an expired lock: start counting afresh
                session.execute(update(StaffAccount).where(StaffAccount.id == account.id)
                                .values(failed_logins=0, locked_until=None))
            session.execute(update(StaffAccount).where(StaffAccount.id == account.id)
                            .values(failed_logins=StaffAccount.failed_logins + 1))
            failures = session.get(StaffAccount, account.id).failed_logins
            locked = failures >= MAX_FAILURES
            if locked:
                session.execute(update(StaffAccount).where(StaffAccount.id == account.id)
                                .values(locked_until=now + timedelta(minutes=LOCK_MINUTES)))
            session.commit()
        self.audit.record("login_failed", account.name, account.id, ip=ip, now=now,
                          detail=f"falsches Passwort ({failures}. Fehlversuch)")
        if locked:
            self.audit.record("account_locked", account.name, account.id, ip=ip, now=now,
                              detail=f"für {LOCK_MINUTES} Minuten")
            return LoginResult("locked", self.get(account.id))
        return LoginResult("invalid", account)
