"""Turn authored markdown into sanitised HTML, once, at import. Nothing calls this while serving a page."""
import re
from dataclasses import dataclass
from html import escape, unescape

import markdown
import nh3

CALLOUT_TYPES = {"note", "tip", "warning", "example", "myth"}

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em", "h2", "h3", "h4",
    "hr", "i", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul", "mark",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "div": {"class"},
    "p": {"class"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "th": {"align", "scope"},
    "td": {"align", "data-label"},
    "span": {"class"},
    "table": {"class"},
}
# Authors link to site paths, https pages and mail; javascript: and data: never survive.
URL_SCHEMES = {"http", "https", "mailto"}

LINK_RE = re.compile(r"\]\((/[^)\s]*)\)")


@dataclass(frozen=True)
class Rendered:
    html: str
    #: [(level, anchor id, text)] for the table of contents
    toc: list[tuple[int, str, str]]
    #: the words of the page without markup, for search
    text: str


def _converter() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["toc", "tables", "admonition", "sane_lists", "fenced_code", "def_list", "attr_list"],
        extension_configs={"toc": {"permalink": False, "toc_depth": "2-3"}},
        output_format="html",
    )


def sanitise(html: str) -> str:
    """Keep the markup content needs; drop scripts, event handlers, styles and dangerous URLs."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


TABLE_RE = re.compile(r"<table>(.*?)</table>", re.S)
HEADER_RE = re.compile(r"<th[^>]*>(.*?)</th>", re.S)
ROW_RE = re.compile(r"<tr>(.*?)</tr>", re.S)
#: content tables hold sentences: from this many columns a table is a card per row on a phone and a small tablet
#: (lms-table--stack, the site's one rule for wide tables in lms.css), each cell labelled with its column's heading
STACK_COLUMNS = 3


def _style_table(match: re.Match) -> str:
    table = match.group(1)
    head, _, body = table.partition("</thead>")
    labels = [escape(plain_text(cell), quote=True) for cell in HEADER_RE.findall(head)]
    if len(labels) < STACK_COLUMNS:
        return f'<table class="govuk-table">{table}</table>'

    def label_cells(row: re.Match) -> str:
        cells = iter(labels)
        return "<tr>" + re.sub(r"<td", lambda cell: f'<td data-label="{next(cells, "")}"', row.group(1)) + "</tr>"

    return f'<table class="govuk-table lms-table--stack">{head}</thead>{ROW_RE.sub(label_cells, body)}</table>'


def _add_table_class(html: str) -> str:
    return TABLE_RE.sub(_style_table, html)


def render_markdown(source: str) -> Rendered:
    """Render `source` to safe HTML with heading anchors, tables and callouts; collect its table of contents."""
    converter = _converter()
    html = sanitise(_add_table_class(converter.convert(source)))
    toc = []

    def walk(tokens):
        for token in tokens:
            toc.append((token["level"], token["id"], unescape(token["name"])))
            walk(token["children"])

    walk(converter.toc_tokens)
    return Rendered(html=html, toc=toc, text=plain_text(html, blocks=True))


#: the id a heading anchor gives a heading (toc extension)
HEADING_ID_RE = re.compile(r'(<h[1-6])\s+id="[^"]*"')


def render_written(source: str) -> str:
    """Markdown a person wrote on the site (a practice plan) as safe HTML without heading ids: several such texts
    share a page, beside the page's own ids, and a writer's heading must not take one of them."""
    return HEADING_ID_RE.sub(r"\1", render_markdown(source).html)


def render_inline(source: str) -> str:
    """Render one line of markdown (a question, an option) without the wrapping paragraph."""
    html = sanitise(_converter().convert(source))
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


INLINE_TAG_RE = re.compile(r"</?(?:a|abbr|code|del|em|i|mark|s|span|strong|sub|sup)\b[^>]*>")


#: Marks a block boundary while whitespace is folded (a private-use character: never in authored text).
BLOCK_MARK = "\ue000"


def plain_text(html: str, *, blocks: bool = False) -> str:
    """Words without markup: inline tags vanish (no stray space before a full stop), blocks become spaces, or
    with `blocks` line breaks, so search can show the sentence around a match rather than a run-in heading."""
    text = re.sub(r"<[^>]+>", BLOCK_MARK if blocks else " ", INLINE_TAG_RE.sub("", html))
    text = re.sub(r"\s+", " ", unescape(text))
    if not blocks:
        return text.strip()
    return "\n".join(line.strip() for line in text.split(BLOCK_MARK) if line.strip())


def internal_links(source: str, first_line: int = 1) -> list[tuple[int, str]]:
    """Return (file line, path) for every markdown link to a site path, for checking they resolve."""
    links = []
    for offset, line in enumerate(source.splitlines()):
        for match in LINK_RE.finditer(line):
            links.append((first_line + offset, match.group(1)))
    return links


def callout_problems(source: str, first_line: int = 1) -> list[tuple[int, str]]:
    """Return (file line, message) for callouts of an unknown type."""
    problems = []
    for offset, line in enumerate(source.splitlines()):
        match = re.match(r"^!!!\s+([\w-]+)", line)
        if match and match.group(1) not in CALLOUT_TYPES:
            problems.append((first_line + offset, f"unknown callout type '{match.group(1)}' "
                                                  f"(use one of: {', '.join(sorted(CALLOUT_TYPES))})"))
    return problems
