"""What a phone keeps for use with no signal: the pages, their assets, and the version that names the cache."""
import hashlib
from functools import cache
from pathlib import Path

from flask import current_app, url_for
from markupsafe import Markup

from lms.checklists.models import SITE_HREF, Checklist

THEME_COLOUR = "#1d2b4f"
#: (file under static/icons, size in pixels, purpose) for the web app manifest
ICONS = (
    ("key-steps-192.png", 192, "any"),
    ("key-steps-512.png", 512, "any"),
    ("key-steps-maskable-512.png", 512, "maskable"),
)
APPLE_TOUCH_ICON = "icons/apple-touch-icon.png"
#: Files under static/ that the checklist pages use; the service worker stores every one when it installs.
ASSETS = ("vendor/govuk-frontend/govuk-frontend.min.css", "css/lms.css", "css/checklist.css", "js/checklist.js",
          APPLE_TOUCH_ICON) + tuple(f"icons/{name}" for name, _, _ in ICONS)
SERVICE_WORKER_TEMPLATE = Path(__file__).parent / "templates" / "checklists" / "sw.js"


@cache
def asset_version(static_folder: str) -> str:
    """Hash the assets and the service worker's own code, once per process: they change only with a deploy."""
    digest = hashlib.sha256(SERVICE_WORKER_TEMPLATE.read_bytes())
    for name in ASSETS:
        digest.update(name.encode() + b"\0" + (Path(static_folder) / name).read_bytes())
    return digest.hexdigest()


def cache_version(checklists: list[Checklist]) -> str:
    """Name the offline cache after every live checklist's import-time hash and the assets, so any change to either
    makes a new service worker that stores the new set and deletes the old."""
    digest = hashlib.sha256(asset_version(current_app.static_folder).encode())
    for checklist in checklists:
        digest.update(f"{checklist.slug}:{checklist.content_hash};".encode())
    return digest.hexdigest()[:16]


def precache_urls(checklists: list[Checklist]) -> list[str]:
    pages = [url_for("checklists.index")]
    for checklist in checklists:
        pages += [url_for("checklists.checklist", slug=checklist.slug),
                  url_for("checklists.card", slug=checklist.slug),
                  url_for("checklists.offline", slug=checklist.slug)]
    return pages + [url_for("static", filename=name) for name in ASSETS]


def reason_html(checklist: Checklist, step: dict) -> Markup:
    """A step's reason with its links to the site sent through the checklist's own address, as its 'See:' links are,
    so with no signal the service worker answers them with the offline page rather than the browser's own error."""
    def through_checklist(match) -> str:
        path, rest = match.groups()
        return f'href="{url_for("checklists.see", slug=checklist.slug, target=path[1:])}{rest}"'

    # rendered and sanitised at import (lms.checklists.importer); only the site's own hrefs change
    return Markup(SITE_HREF.sub(through_checklist, step["why_html"]))  # nosec B704


def manifest() -> dict:
    """The web app manifest that lets a phone install the checklists as "Key steps"."""
    force = current_app.config["FORCE_NAME"]
    return {
        "id": url_for("checklists.index"),
        "name": f"Key investigative steps – {force}",
        "short_name": "Key steps",
        "description": "The key investigative steps for the job in hand. Works with no signal; "
                       "your ticks stay on your phone.",
        "lang": "en-GB",
        "start_url": url_for("checklists.index"),
        "scope": url_for("checklists.index"),
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": [{"src": url_for("static", filename=f"icons/{name}"), "sizes": f"{size}x{size}",
                   "type": "image/png", "purpose": purpose} for name, size, purpose in ICONS],
    }
