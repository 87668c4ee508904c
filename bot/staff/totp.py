"""The second factor of the console login: time-based one-time codes (RFC 6238, pyotp)
as any authenticator app shows them, and the QR code to set one up (qrcode, rendered as
inline SVG: no image leaves the server, no external service is asked).

A code is accepted in its own 30-second step and one step either side (valid_window=1,
for clocks that are a little off). The step of every accepted code is remembered, so a
code that has been used (or an older one) is refused afterwards.
"""

from __future__ import annotations

import hmac
import re
from datetime import datetime, timezone

import pyotp
import qrcode
from qrcode.image.svg import SvgPathFillImage

ISSUER = "LWIW-Assistent"
VALID_WINDOW = 1
CODE_PATTERN = re.compile(r"^\d{6}$")


def new_secret() -> str:
    return pyotp.random_base32()


def _utc(now: datetime) -> datetime:
    """The console's times are naive UTC; pyotp reads naive times as local time."""
    return now.replace(tzinfo=timezone.utc) if now.tzinfo is None else now


def clean_code(raw: str) -> str | None:
    """Six digits, as typed (spaces and dashes some apps show are ignored)."""
    code = re.sub(r"[\s-]", "", raw or "")
    return code if CODE_PATTERN.match(code) else None


def step_of(secret: str, now: datetime) -> int:
    return pyotp.TOTP(secret).timecode(_utc(now))


def code_at(secret: str, now: datetime, offset: int = 0) -> str:
    """The code of the step `offset` steps from now (for the tests and the CLI)."""
    return pyotp.TOTP(secret).at(_utc(now), counter_offset=offset)


def matching_step(secret: str, raw: str, now: datetime, after: int | None = None) -> int | None:
    """The time step whose code `raw` is (within VALID_WINDOW of now), or None; steps up to
    `after` (the last one used) do not count, so no code is accepted twice."""
    code = clean_code(raw)
    if code is None or not secret:
        return None
    totp = pyotp.TOTP(secret)
    moment = _utc(now)
    if not totp.verify(code, for_time=moment, valid_window=VALID_WINDOW):
        return None
    current = totp.timecode(moment)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        step = current + offset
        if (after is None or step > after) and hmac.compare_digest(
                totp.at(moment, counter_offset=offset), code):
            return step
    return None


def provisioning_uri(secret: str, account_name: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name=ISSUER)


def qr_svg(uri: str, label: str) -> str:
    """The QR code of `uri` as an inline <svg> element (black on white, with a text
    alternative for screen readers)."""
    image = qrcode.make(uri, image_factory=SvgPathFillImage, box_size=10, border=4)
    svg = image.to_string(encoding="unicode")
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    safe_label = (label.replace("&", "&amp;").replace('"', "&quot;")
                  .replace("<", "&lt;").replace(">", "&gt;"))
    return svg.replace("<svg ", f'<svg role="img" aria-label="{safe_label}" '
                       'class="totp-qr" ', 1)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
