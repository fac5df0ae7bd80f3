"""The second factor admins give after their password: a code from an authenticator app (TOTP), or a one-time
recovery code. They flush; the caller commits."""
import base64
import hashlib
import hmac
import logging
import re
import secrets
import time

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app

from lms.audit.services import record
from lms.extensions import db
from lms.people.devices import sign_out_everywhere
from lms.people.models import Person, RecoveryCode

log = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
#: a code from the step before or after the current one still counts: phones' clocks drift
ALLOWED_DRIFT_STEPS = 1


def needs_second_factor(person: Person) -> bool:
    """Admins who sign in with a password must give a second factor (single sign-on brings the provider's own)."""
    return current_app.config["ADMIN_SECOND_FACTOR"] and person.has_role("admin")


def new_secret() -> str:
    return pyotp.random_base32()


def enrolment_qr(person: Person, secret: str) -> tuple[str, str]:
    """The otpauth:// address an authenticator app reads, and a QR code of it as an SVG data URI."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=person.email,
                                              issuer_name=f"{current_app.config['FORCE_NAME']} Masterclass")
    return uri, segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _matching_step(secret: str, code: str) -> int | None:
    """The time step whose code this is, within the allowed drift; None if it matches none."""
    code = re.sub(r"\s", "", code)
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(time.time() // totp.interval)
    for step in range(now_step - ALLOWED_DRIFT_STEPS, now_step + ALLOWED_DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def check_code(person: Person, code: str) -> bool:
    """Whether `code` is the person's current authenticator code, not used before (no replay)."""
    step = _matching_step(person.totp_secret, code)
    if step is None or step <= (person.totp_last_step or -1):
        return False
    person.totp_last_step = step
    return True


def _hash_code(code: str) -> str:
    """Recovery codes carry 80 random bits: SHA-256 of the normalised code is enough to keep them from a reader of
    the database."""
    return hashlib.sha256(re.sub(r"[\s-]", "", code).upper().encode()).hexdigest()


def use_recovery_code(person: Person, code: str) -> bool:
    """Accept one of the person's recovery codes, once: it is deleted as it is used."""
    if not code or len(code) > 40:
        return False
    deleted = db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.person_id == person.id,
                                                               RecoveryCode.code_hash == _hash_code(code)))
    if deleted.rowcount == 1:
        record(person, "person.recovery_code_used", "person", person.id, f"{person.name} used a recovery code")
        return True
    return False


def recovery_codes_left(person: Person) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.person_id == person.id))


def _new_recovery_codes(person: Person) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.person_id == person.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = base64.b32encode(secrets.token_bytes(10)).decode()
        codes.append("-".join(raw[index:index + 4] for index in range(0, 16, 4)))
    db.session.add_all(RecoveryCode(person_id=person.id, code_hash=_hash_code(code)) for code in codes)
    return codes


def enrol(person: Person, secret: str, code: str) -> list[str] | None:
    """Set up the authenticator app if `code` proves the person scanned `secret`; return new recovery codes."""
    step = _matching_step(secret, code)
    if step is None:
        return None
    person.totp_secret, person.totp_last_step = secret, step
    codes = _new_recovery_codes(person)
    record(person, "person.second_factor_set_up", "person", person.id,
           f"{person.name} set up an authenticator app for signing in")
    return codes


def reset(actor: Person, person: Person) -> None:
    """Forget the person's authenticator app and recovery codes (a lost phone) and sign them out everywhere: they
    set up a new one at their next sign-in. Audited."""
    if actor.id == person.id:
        raise ValueError("Ask another admin to reset your own second factor.")
    person.totp_secret, person.totp_last_step = None, None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.person_id == person.id))
    sign_out_everywhere(person)
    record(actor, "person.second_factor_reset", "person", person.id,
           f"Reset {person.name}'s second factor: a new authenticator app is set up at the next sign-in")
