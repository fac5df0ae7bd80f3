"""Helpers for tests that change a guidance page and import it again at a chosen moment."""
from datetime import datetime, timedelta
from pathlib import Path

from lms.content.sync import sync_content
from lms.extensions import db
from lms.timeutil import utcnow

GOLDEN_HOUR = "guidance/first-response/golden-hour.md"


def rewrite(tree: Path, body: str, front: str = "", path: str = GOLDEN_HOUR) -> None:
    """Give the page a new body (after the first paragraph, kept so the page's links stay valid) and extra front
    matter lines such as "change: major"."""
    page = tree / path
    text = page.read_text()
    head, _, rest = text.partition("\n---\n")
    first_paragraph = rest.split("\n\n", 1)[0]
    page.write_text(f"{head}\n{front}---\n{first_paragraph}\n\n{body}\n")


def import_at(tree: Path, clock, moment: datetime):
    """Import the tree as `flask content sync` would at `moment`: in a transaction of its own. (Moving the clock
    on signs out anyone signed in: their session has timed out.)"""
    db.session.commit()
    clock.move_to(moment)
    report = sync_content(tree)
    db.session.commit()
    assert report.ok, [str(error) for error in report.errors]
    return report


#: front matter asking police constables and local CID teams to acknowledge the page's major changes
AUDIENCE = "acknowledge: [PC, LOCAL_CID]\n"


def ask_to_acknowledge(tree: Path, clock, published: datetime, changed: datetime) -> Path:
    """Publish the page to its audience at `published`, then change it in a major way at `changed` (version 2), so
    they are asked to acknowledge it."""
    rewrite(tree, "Bail periods: 28 days.", AUDIENCE)
    import_at(tree, clock, published)
    rewrite(tree, "Bail periods: three months.", AUDIENCE + "change: major\n"
            "change_note: The bail periods now match the 2022 Act.\n")
    import_at(tree, clock, changed)
    return tree


def asking_since_days_ago(tree: Path, clock) -> None:
    """The page changed in a major way five days ago and asks its audience (police constables among them) to
    acknowledge version 2; the clock is back where it was, so other learning can be dated from now."""
    start = utcnow()
    ask_to_acknowledge(tree, clock, start - timedelta(days=10), start - timedelta(days=5))
    clock.move_to(start)


def acknowledge_on_page(client, slug: str = "golden-hour"):
    """Press "I have read and understood" on the page, as the signed-in reader (the form has no fields but CSRF)."""
    page = client.get(f"/guidance/{slug}").get_data(as_text=True)
    assert f'action="/guidance/{slug}/acknowledge"' in page, "the page offers no acknowledgement"
    return client.post(f"/guidance/{slug}/acknowledge", data={}, follow_redirects=True)
