"""The search page and the glossary."""
import sqlalchemy as sa
from flask import current_app, render_template, request

from lms.access import signed_in
from lms.content.cache import cached
from lms.extensions import db
from lms.inputs import db_int
from lms.search import bp
from lms.search.models import GlossaryTerm
from lms.search.query import search as run_search


@bp.get("/search")
@signed_in
def search():
    """Search guidance and modules; ranked, with highlighted snippets."""
    query = request.args.get("q", "").strip()[:300]
    page = max(request.args.get("page", 1, type=db_int) or 1, 1)
    per_page = current_app.config["SEARCH_PAGE_SIZE"]
    # The same for everyone and changed only with the content (the index, glossary and vocabulary are content
    # tables), so kept until the content's version changes: ranking and snippets cost several milliseconds.
    offset = (page - 1) * per_page
    results = cached(("search", query, per_page, offset),
                     lambda: run_search(query, limit=per_page, offset=offset)) if query else None
    pages = -(-results.total // per_page) if results else 0
    return render_template("search/results.html", query=query, results=results, page=page, pages=pages)


@bp.get("/glossary")
@signed_in
def glossary():
    """Police abbreviations and terms, A to Z, each with an anchor that guidance pages link to."""
    terms = db.session.scalars(sa.select(GlossaryTerm).order_by(sa.func.lower(GlossaryTerm.term))).all()
    return render_template("search/glossary.html", terms=terms)
