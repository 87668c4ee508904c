"""Staff accounts: argon2 password hashes, roles, login with lockout, the second factor
(TOTP, bot/staff/totp.py) and changing one's own password.

Lockout (issue 6): after MAX_FAILURES wrong passwords in a row an account is locked for
LOCK_MINUTES; from one address at most IP_MAX_FAILURES failed logins in IP_WINDOW_MINUTES
(counted in the audit log, so every web worker sees the same number). While an account is
locked its password is not even checked.

With a second factor the password alone does not log in: `authenticate` answers "totp"
and `verify_totp` finishes the login. A wrong code counts as a failed login (the same
lockout), and the counter is only reset once the code was right, so that knowing the
password does not give unlimited guesses at the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update

from bot.staff import ROLES, totp
from bot.staff.audit import AuditLog
from bot.staff.repo import Repo
from bot.staff.unknown_names import UnknownNames
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
    totp_enabled: bool = False
    password_changed_at: datetime | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def needs_totp_enrolment(self) -> bool:
        """Admins must use a second factor; they are sent to set it up first."""
        return self.is_admin and not self.totp_enabled

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


@dataclass(frozen=True)
class LoginResult:
    status: str  # ok | totp (password right, code needed) | invalid | locked | blocked
    account: Account | None = None


def _view(row: StaffAccount) -> Account:
    return Account(row.id, row.name, row.role, bool(row.active), row.created_at,
                   row.failed_logins or 0, row.locked_until, row.last_login_at,
                   bool(row.totp_enabled), row.password_changed_at)


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
        self.unknown_names = UnknownNames(database_url, self.audit, MAX_FAILURES, LOCK_MINUTES)

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
            # the same answers, lockout and work as for a real account (bot/staff/
            # unknown_names.py): the login page does not tell which names exist
            _verify(_dummy_hash(), password)
            return LoginResult(self.unknown_names.attempt(name.strip(), ip, now))
        if account.locked_at(now):
            _verify(_dummy_hash(), password)  # the same time as any other attempt
            self.audit.record("login_locked", account.name, account.id, ip=ip, now=now,
                              detail="Konto gesperrt")
            return LoginResult("locked", account)
        with self._session() as session:
            row = session.get(StaffAccount, account.id)
            ok = _verify(row.password_hash, password)
            if ok and row.active and row.totp_enabled:
                if hasher().check_needs_rehash(row.password_hash):
                    row.password_hash = hasher().hash(password)
                    session.commit()
                self.audit.record("login_password_ok", account.name, account.id, ip=ip,
                                  now=now, detail="Zwei-Faktor-Code angefordert")
                return LoginResult("totp", _view(row))
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

    def verify_totp(self, account_id: int, code: str, ip: str,
                    now: datetime | None = None) -> LoginResult:
        """The second step of a login with a second factor (after `authenticate` said
        "totp"): the code of the account's authenticator app."""
        now = now or utcnow()
        window_start = now - timedelta(minutes=IP_WINDOW_MINUTES)
        if self.audit.failed_logins_from(ip, window_start) >= IP_MAX_FAILURES:
            self.audit.record("login_blocked", UNKNOWN_ACTOR, ip=ip, now=now,
                              detail="zu viele Fehlversuche von dieser Adresse")
            return LoginResult("blocked")
        account = self.get(account_id)
        if account is None or not account.active or not account.totp_enabled:
            return LoginResult("invalid", account)
        if account.locked_at(now):
            self.audit.record("login_locked", account.name, account.id, ip=ip, now=now,
                              detail="Konto gesperrt")
            return LoginResult("locked", account)
        if self._use_code(account.id, code, now):
            with self._session() as session:
                row = session.get(StaffAccount, account.id)
                row.failed_logins = 0
                row.locked_until = None
                row.last_login_at = now
                session.commit()
                account = _view(row)
            self.audit.record("login", account.name, account.id, ip=ip, now=now,
                              detail="mit Zwei-Faktor-Code")
            return LoginResult("ok", account)
        return self._failed(account, ip, now, what="falscher Zwei-Faktor-Code")

    def _use_code(self, account_id: int, code: str, now: datetime) -> bool:
        """Accept `code` once: its time step becomes the last used one, atomically (two
        requests with the same code cannot both win)."""
        with self._session() as session:
            row = session.get(StaffAccount, account_id)
            if row is None or not row.totp_secret:
                return False
            step = totp.matching_step(row.totp_secret, code, now, after=row.totp_last_step)
            if step is None:
                return False
            result = session.execute(
                update(StaffAccount).where(
                    StaffAccount.id == account_id,
                    (StaffAccount.totp_last_step.is_(None))
                    | (StaffAccount.totp_last_step < step))
                .values(totp_last_step=step))
            session.commit()
            return bool(result.rowcount)

    # --- second factor: setting it up --------------------------------------------------

    def totp_secret_for_enrolment(self, account_id: int) -> str:
        """The secret to show while the account sets up its second factor: the pending
        one (the page may be reloaded), or a new one. AccountError once it is set up."""
        with self._session() as session:
            row = session.get(StaffAccount, account_id)
            if row is None:
                raise KeyError(account_id)
            if row.totp_enabled:
                raise AccountError("Die Zwei-Faktor-Anmeldung ist schon eingerichtet.")
            if not row.totp_secret:
                row.totp_secret = totp.new_secret()
                session.commit()
            return row.totp_secret

    def enable_totp(self, account_id: int, code: str, ip: str | None = None,
                    now: datetime | None = None) -> bool:
        """Finish setting up: the first code from the app proves it has the secret."""
        now = now or utcnow()
        with self._session() as session:
            row = session.get(StaffAccount, account_id)
            if row is None or row.totp_enabled or not row.totp_secret:
                return False
            step = totp.matching_step(row.totp_secret, code, now, after=row.totp_last_step)
            if step is None:
                return False
            row.totp_enabled = True
            row.totp_enabled_at = now
            row.totp_last_step = step          # this code cannot log in afterwards
            session.commit()
            account = _view(row)
        self.audit.record("totp_enabled", account.name, account.id, ip=ip, now=now)
        return True

    def reset_totp(self, account_id: int, by: str, ip: str | None = None,
                   now: datetime | None = None) -> Account:
        """A lost phone: the second factor is removed; an admin sets it up again at the
        next login (`lwiw staff reset-totp`)."""
        with self._session() as session:
            row = session.get(StaffAccount, account_id)
            if row is None:
                raise KeyError(account_id)
            row.totp_secret = None
            row.totp_enabled = False
            row.totp_enabled_at = None
            row.totp_last_step = None
            session.commit()
            account = _view(row)
        self.audit.record("totp_reset", by, None, detail=account.name, ip=ip, now=now)
        return account

    # --- one's own password ------------------------------------------------------------

    def change_password(self, account_id: int, current: str, new: str, repeated: str,
                        ip: str | None = None, now: datetime | None = None) -> Account:
        """Change the password of a logged-in account. The current password is asked
        again (a browser left open is not enough); a wrong one counts as a failed login.
        Raises AccountError with the German reason."""
        now = now or utcnow()
        account = self.get(account_id)
        if account is None:
            raise KeyError(account_id)
        if new != repeated:
            raise AccountError("Die beiden neuen Passwörter stimmen nicht überein.")
        check_password(new)
        if account.locked_at(now):
            raise AccountError("Zu viele Fehlversuche: Das Konto ist gesperrt. Die "
                               "Administration kann die Sperre aufheben.")
        with self._session() as session:
            row = session.get(StaffAccount, account_id)
            right = _verify(row.password_hash, current[:MAX_PASSWORD_CHARS])
            if right and current == new:
                raise AccountError("Das neue Passwort muss sich vom bisherigen "
                                   "unterscheiden.")
            if right:
                row.password_hash = hasher().hash(new)
                row.password_changed_at = now
                row.failed_logins = 0
                session.commit()
                account = _view(row)
        if not right:
            self._failed(account, ip or "", now, action="password_change_failed",
                         what="falsches bisheriges Passwort")
            raise AccountError("Das bisherige Passwort ist nicht richtig.")
        self.audit.record("password_changed", account.name, account.id, ip=ip, now=now)
        return account

    def _failed(self, account: Account, ip: str, now: datetime,
                action: str = "login_failed", what: str = "falsches Passwort") -> LoginResult:
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
        self.audit.record(action, account.name, account.id, ip=ip or None, now=now,
                          detail=f"{what} ({failures}. Fehlversuch)")
        if locked:
            self.audit.record("account_locked", account.name, account.id, ip=ip, now=now,
                              detail=f"für {LOCK_MINUTES} Minuten")
            return LoginResult("locked", self.get(account.id))
        return LoginResult("invalid", account)
