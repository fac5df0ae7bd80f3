"""Roster files uploaded in the browser: checked, kept in the database between preview and confirmation."""
import hashlib
from datetime import timedelta
from pathlib import PurePath

import sqlalchemy as sa
from flask import current_app
from werkzeug.datastructures import FileStorage

from lms.extensions import db
from lms.people.models import Person, RosterUpload
from lms.people.roster import NotARoster, decode_roster
from lms.people.roster_plan import ImportOptions
from lms.timeutil import utcnow


def read_upload(file: FileStorage) -> tuple[str, str]:
    """Return the file's name and text, or raise NotARoster saying why it is refused (size, type, encoding)."""
    limit_mb = current_app.config["ROSTER_UPLOAD_MAX_MB"]
    name = PurePath((file.filename or "").replace("\\", "/")).name[:255] or "roster.csv"
    if not name.lower().endswith(".csv"):
        raise NotARoster(f'{name} is not a CSV file. In Excel, save the roster as "CSV UTF-8" (a .csv file).')
    try:
        data = file.stream.read(limit_mb * 1024 * 1024 + 1)
    finally:
        file.close()  # a large upload is spooled to a temporary file: gone as soon as it is read
    if len(data) > limit_mb * 1024 * 1024:
        raise NotARoster(f"{name} is larger than {limit_mb} MB, the most this page takes. Check it is the roster, "
                         f"or import it with the command `flask users import`.")
    return name, decode_roster(data, name)


def keep_upload(person: Person, file_name: str, content: str, options: ImportOptions) -> RosterUpload:
    """Keep an uploaded roster for its preview and confirmation, found again by its SHA-256; forget stale ones."""
    sha256 = hashlib.sha256(content.encode()).hexdigest()
    stale = utcnow() - timedelta(hours=current_app.config["ROSTER_UPLOAD_KEEP_HOURS"])
    db.session.execute(sa.delete(RosterUpload).where(sa.or_(
        RosterUpload.uploaded_at < stale, sa.and_(RosterUpload.person_id == person.id, RosterUpload.sha256 == sha256))))
    upload = RosterUpload(person_id=person.id, sha256=sha256, file_name=file_name, content=content,
                          options=vars(options))
    db.session.add(upload)
    db.session.flush()
    return upload


def find_upload(person: Person, sha256: str) -> RosterUpload | None:
    """The person's own upload with this hash, if its content still has that hash."""
    upload = db.session.scalar(sa.select(RosterUpload).where(RosterUpload.person_id == person.id,
                                                             RosterUpload.sha256 == sha256[:64]))
    if upload is None or hashlib.sha256(upload.content.encode()).hexdigest() != upload.sha256:
        return None
    return upload


def forget_upload(person: Person, sha256: str) -> None:
    db.session.execute(sa.delete(RosterUpload).where(RosterUpload.person_id == person.id,
                                                     RosterUpload.sha256 == sha256))


def upload_options(upload: RosterUpload) -> ImportOptions:
    return ImportOptions(**{name: bool(upload.options.get(name)) for name in vars(ImportOptions())})
