"""Resume codes: four words and a number, e.g. HAFEN-KRAN-MOND-TEE-42.

Readable over the phone and easy to write down, and far too many to guess: four of the 1064
words of data/resume_words.yml and a number from 10 to 99 give 1064**4 * 90, about 1.1e14
codes (46 bits). Every resume path counts failed attempts in the database (per sender id,
per client address and for all paths together, bot/storage/repository.py), a code expires
after a while without use, and each resume replaces the code by a new one.

Only a keyed hash of a code is stored (HMAC-SHA256 with a server-side pepper): the code is
shown to the person in the bot's reply and nowhere else.

A typed code is accepted in any case, with hyphens, spaces, dots or nothing between its
parts; umlauts and ß are folded (the words have none, so no spelling variant can differ).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.settings import DATA_DIR, DEFAULTS, get_settings
from bot.yaml_file import load_yaml

WORDS_PER_CODE = 4
NUMBERS = range(10, 100)          # the two digits at the end
PEPPER_ENV = "LWIW_RESUME_PEPPER"
MIN_PEPPER_CHARS = 32
LOCAL_TIME = ZoneInfo("Europe/Berlin")
# what may stand between the parts of a typed code: nothing, white space, hyphens and dashes
# of any kind, and the punctuation people put there when they copy a code by hand
SEPARATOR = r"[\s\-\u2010-\u2015\u2212_.,;:/+·*]*"
FOLD = str.maketrans({"Ä": "AE", "Ö": "OE", "Ü": "UE", "ẞ": "SS"})


@lru_cache(maxsize=1)
def words() -> tuple[str, ...]:
    data = load_yaml(DATA_DIR / "resume_words.yml")
    return tuple(data["words"])


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    # longest first, although no word is the start of another (the list guarantees it)
    word = "(" + "|".join(sorted(words(), key=len, reverse=True)) + ")"
    parts = SEPARATOR.join([word] * WORDS_PER_CODE + ["([0-9]{2})"])
    return re.compile(rf"(?<![A-Z0-9]){parts}(?![0-9])")


def possible_codes() -> int:
    return len(words()) ** WORDS_PER_CODE * len(NUMBERS)


def make_code() -> str:
    """A new random code, written the canonical way."""
    chosen = [secrets.choice(words()) for _ in range(WORDS_PER_CODE)]
    return "-".join([*chosen, str(NUMBERS[secrets.randbelow(len(NUMBERS))])])


def normalise(text: str) -> str:
    """Upper case, umlauts and ß folded (ä → AE, ß → SS), compatibility forms resolved."""
    return unicodedata.normalize("NFKC", text or "").upper().translate(FOLD)


@dataclass(frozen=True)
class FoundCode:
    code: str    # canonical: HAFEN-KRAN-MOND-TEE-42
    rest: str    # the (normalised) message without the code


def find_code_in(text: str) -> FoundCode | None:
    """The first resume code in `text` and what else the message says."""
    normal = normalise(text)
    match = _pattern().search(normal)
    if match is None:
        return None
    return FoundCode("-".join(match.groups()), normal[:match.start()] + " " + normal[match.end():])


def find_code(text: str) -> str | None:
    """The first thing in `text` that is a resume code, in its canonical form."""
    found = find_code_in(text)
    return found.code if found else None


# --- what is stored --------------------------------------------------------------------


def _pepper() -> bytes:
    """LWIW_RESUME_PEPPER, or derived from the web app's secret key (LWIW_SECRET_KEY or
    var/secret_key), which every process of an installation already shares. Cached per
    setting, so a changed setting (a test, a restart with new keys) takes effect."""
    settings = get_settings()
    return _pepper_for(settings.resume_pepper, settings.secret_key)


@lru_cache(maxsize=8)
def _pepper_for(pepper_setting: str | None, secret_setting: str | None) -> bytes:
    configured = check_pepper()
    if configured:
        return configured.encode("utf-8")
    from bot.web.config import load_secret

    return hmac.new(load_secret().encode("utf-8"), b"lwiw resume-code pepper",
                    hashlib.sha256).digest()


def check_pepper() -> str | None:
    """LWIW_RESUME_PEPPER if set (ValueError if it is no generated secret), else None."""
    configured = get_settings().resume_pepper
    if not configured:
        return None
    from bot.web.config import GENERATE_HINT, secret_problem

    problem = ("it is shorter than 32 characters" if len(configured) < MIN_PEPPER_CHARS
               else secret_problem(configured))
    if problem:
        raise ValueError(f"{PEPPER_ENV} is not a usable secret: {problem}. Generate one "
                         f"with: {GENERATE_HINT}")
    return configured


def code_hash(code: str) -> str:
    """What the database keeps of a code (64 hex digits). `code` is taken as typed and
    brought into the canonical form first."""
    canonical = find_code(code) or code.strip().upper()
    return hmac.new(_pepper(), f"code:{canonical}".encode(), hashlib.sha256).hexdigest()


def client_key(kind: str, value: str) -> str:
    """A sender id or client address as the failure count keeps it: a keyed hash, so the
    count's table holds no address and no sender id."""
    return hmac.new(_pepper(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def sender_key(sender_id: str) -> str:
    return client_key("sender", sender_id)


def address_key(address: str) -> str:
    """The key of a client address. An IPv6 address counts by its /64 network: one
    connection usually has a whole /64, and could take a new address for every guess."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return client_key("address", address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        else:
            return client_key("address", str(ipaddress.ip_network(f"{ip}/64", strict=False)))
    return client_key("address", str(ip))


# --- policy ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ResumePolicy:
    """How many failed attempts, and how long a code lives.

    A failure counts against the sender id (the browser's conversation), the client
    address (when known: the web form, and chat messages the web app forwards) and the
    total of all resume paths; an attempt is refused while any of them is at its limit.
    With the defaults at most 100 guesses an hour get through in all, against about 1.1e14
    codes: even with 10,000 codes in use, a year of guessing finds one with a chance
    below 1 in 10,000.
    """

    # the defaults are the settings' (bot/settings.py: LWIW_RESUME_*)
    client_failures: int = DEFAULTS.resume_client_failures   # per sender id and address
    global_failures: int = DEFAULTS.resume_global_failures   # all paths together
    window_seconds: int = 60 * DEFAULTS.resume_window_minutes
    idle_days: int = DEFAULTS.resume_code_idle_days           # unused longer: no longer works

    @property
    def window_minutes(self) -> int:
        return max(1, -(-self.window_seconds // 60))

    @classmethod
    def from_env(cls) -> ResumePolicy:
        """LWIW_RESUME_* (each at least 1: bot/settings.py checks it)."""
        settings = get_settings()
        return cls(
            client_failures=settings.resume_client_failures,
            global_failures=settings.resume_global_failures,
            window_seconds=60 * settings.resume_window_minutes,
            idle_days=settings.resume_code_idle_days,
        )


def date_de(moment: datetime) -> str:
    """A stored time (naive UTC) as a German date in Hamburg: 21.11.2026."""
    return moment.replace(tzinfo=timezone.utc).astimezone(LOCAL_TIME).strftime("%d.%m.%Y")
