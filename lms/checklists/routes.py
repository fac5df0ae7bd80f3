"""The pocket checklist: the list, one checklist, its printable card, and what makes it installable and offline.

These pages are public and show nothing about who is signed in. The service worker keeps them on the phone, so they
must hold no personal data; they hold only the force's published steps (drawn from national, public guidance), and
they must open from the home screen long after a session has expired, with no signal to sign in again.
"""
import json

from flask import abort, make_response, redirect, render_template, request, url_for

from lms.access import public
from lms.checklists import bp
from lms.checklists.offline import (APPLE_TOUCH_ICON, THEME_COLOUR, cache_version, manifest as manifest_data,
                                    precache_urls, reason_html)
from lms.checklists.queries import checklist_by_slug, live_checklists
from lms.content.cache import cached
from lms.guidance.queries import titles_by_path

#: Browsers check with the server on every visit (the service worker keeps the offline copy). "private" because a
#: signed-in officer's response still carries their session cookie, which no proxy may store.
REVALIDATE = "private, no-cache"


def render_shared(template: str, status: int = 200, **context):
    """Render a page every device may keep: the impersonal layout (no name, no token), revalidated on each visit."""
    return shared_response(render_shared_html(template, **context), status)


def render_shared_html(template: str, **context) -> str:
    return render_template(template, shared_page=True, theme_colour=THEME_COLOUR, apple_touch_icon=APPLE_TOUCH_ICON,
                           **context)


def shared_response(html: str, status: int = 200):
    response = make_response(html, status)
    response.headers["Cache-Control"] = REVALIDATE
    return response


def get_live_checklist_or_abort(slug: str):
    """Load a checklist by slug: 404 if it never existed, 410 with a way on if it has been retired."""
    checklist = checklist_by_slug(slug)
    if checklist is None:
        abort(404)
    if checklist.is_retired:
        abort(render_shared("checklists/retired.html", 410))
    return checklist


# The pages below show only published content, the same to everyone, so each is rendered once per content version.

@bp.get("/checklist/")
@public
def index():
    """List the checklists, with how far this device has got through each."""
    return shared_response(cached(("checklists.index",), lambda: render_shared_html(
        "checklists/index.html", checklists=live_checklists())))


@bp.get("/checklist/<slug>")
@public
def checklist(slug: str):
    """Show one checklist: steps to tick on this device, each with its reason and guidance."""
    def render() -> str:
        found = get_live_checklist_or_abort(slug)
        return render_shared_html("checklists/checklist.html", checklist=found,
                                  titles=titles_by_path(found.guidance_slugs), reason_html=reason_html)

    return shared_response(cached(("checklists.checklist", slug), render))


@bp.get("/checklist/<slug>/card")
@public
def card(slug: str):
    """Show the checklist as a pocket card to print: every step with a box to tick by pen."""
    return shared_response(cached(("checklists.card", slug), lambda: render_shared_html(
        "checklists/card.html", checklist=get_live_checklist_or_abort(slug))))


@bp.get("/checklist/<slug>/see/<path:target>")
@public
def see(slug: str, target: str):
    """Go on to a page a step points to. The link stays inside the service worker's scope, so with no signal the
    phone can answer it with the checklist's offline page rather than the browser's own error."""
    found = get_live_checklist_or_abort(slug)
    if f"/{target}" not in found.see_paths:
        abort(404)  # only the pages the checklist itself names: no open redirect
    query = request.query_string.decode()  # a reason may link to a page with a query
    return redirect(f"/{target}?{query}" if query else f"/{target}")


@bp.get("/checklist/<slug>/offline")
@public
def offline(slug: str):
    """Say, with no signal, what needs one, and keep the officer in the checklist (the service worker shows this)."""
    def render() -> str:
        found = get_live_checklist_or_abort(slug)
        return render_shared_html("checklists/offline.html", checklist=found,
                                  titles=titles_by_path(found.guidance_slugs))

    return shared_response(cached(("checklists.offline", slug), render))


@bp.get("/checklist/sw.js")
@public
def service_worker():
    """Serve the service worker from the checklists' own folder, so its scope can never reach a personal page."""
    checklists = live_checklists()
    body = render_template("checklists/sw.js", version=cache_version(checklists), urls=precache_urls(checklists),
                           scope=url_for("checklists.index"))
    response = make_response(body)
    response.headers["Content-Type"] = "application/javascript; charset=utf-8"
    response.headers["Cache-Control"] = REVALIDATE
    return response


@bp.get("/manifest.webmanifest")
@public
def manifest():
    """Serve the web app manifest that makes the checklists installable."""
    response = make_response(json.dumps(manifest_data(), ensure_ascii=False, indent=1))
    response.headers["Content-Type"] = "application/manifest+json; charset=utf-8"
    return response
