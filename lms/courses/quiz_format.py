"""Read quiz.md: a question bank written as markdown headings, task-list options and block-quote explanations."""
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field

from lms.content.errors import ContentProblem
from lms.content.frontmatter import SLUG_RE, Field, check_fields, split
from lms.content.render import callout_problems, internal_links, plain_text, render_inline, render_markdown

QUIZ_FIELDS = {
    "title": Field(str),
    "draw": Field(int, required=False),
    "shuffle": Field(bool, required=False, default=False),
    "partial_credit": Field(bool, required=False, default=False),
    #: the blueprint: questions every attempt draws from each module, as one number for every module or as
    #: numbers by module slug with `default` for the modules not named
    "at_least_per_module": Field(object, required=False),
}
BLUEPRINT_HELP = ("at_least_per_module is one number for every module (at_least_per_module: 2) or numbers by module "
                  "slug, with default for the rest (at_least_per_module: {default: 2, outcomes: 3})")

MODULE_HEADING_RE = re.compile(r"^#\s+(.*?)\s*$")
OPTION_RE = re.compile(r"^[-*+]\s+\[([ xX])\]\s*(.*)$")
LIST_ITEM_RE = re.compile(r"^\s*[-*+]\s")


@dataclass(frozen=True)
class ParsedOption:
    line: int
    text: str
    is_correct: bool


@dataclass
class ParsedQuestion:
    line: int
    text: str
    #: the slug of the module the question tests: the '# <module>' heading it sits under ("" when none)
    module: str = ""
    scenario: str = ""
    options: list[ParsedOption] = field(default_factory=list)
    explanation: list[tuple[int, str]] = field(default_factory=list)

    @property
    def is_multiple(self) -> bool:
        return sum(option.is_correct for option in self.options) > 1

    @property
    def fingerprint(self) -> str:
        """The same question, for analytics, while its wording and its options (and which are right) stand."""
        key = [_normalise(self.text), _normalise(self.scenario),
               [[_normalise(option.text), option.is_correct] for option in self.options]]
        return hashlib.sha256(json.dumps(key).encode()).hexdigest()

    def cited_path(self) -> str:
        """The first guidance page the explanation links to: the page the question teaches."""
        for _, href in internal_links("\n".join(text for _, text in self.explanation)):
            if href.startswith("/guidance/"):
                return href
        return ""


@dataclass(frozen=True)
class ParsedQuiz:
    title: str
    draw: int | None
    shuffle: bool
    partial_credit: bool
    questions: list[ParsedQuestion]
    #: {"default" | module slug: questions each attempt draws from it}, checked against the course's modules at
    #: import; {} when the quiz sets no blueprint
    blueprint: dict[str, int]
    #: file line of the front matter's at_least_per_module and of each '# <module>' heading (its first use)
    blueprint_line: int
    module_lines: dict[str, int]
    #: (file line, site path) of every internal link, for the shared link check
    links: list[tuple[int, str]]
    #: file line of the body's first line
    body_line: int


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def parse_quiz(text: str) -> tuple[ParsedQuiz | None, list[ContentProblem]]:
    """Return the quiz and every problem found in it (an author fixes them all in one go)."""
    try:
        doc = split(text)
        meta = check_fields(doc, QUIZ_FIELDS)
    except ContentProblem as problem:
        return None, [problem]
    problems = [ContentProblem(message, line) for line, message in callout_problems(doc.body, doc.body_line)]
    module_lines: dict[str, int] = {}
    questions = _questions(doc.body, doc.body_line, problems, module_lines)
    problems.extend(_check_questions(questions))
    if not questions:
        problems.append(ContentProblem("the quiz has no questions: start each one with '## '", doc.body_line))
    draw = meta["draw"]
    if draw is not None and not 1 <= draw <= len(questions):
        problems.append(ContentProblem(
            f"'draw' is {draw} but the bank has {len(questions)} question{'s' if len(questions) != 1 else ''}: "
            "draw at least 1 and no more than the bank holds", doc.key_lines.get("draw", 2)))
    blueprint_line = doc.key_lines.get("at_least_per_module", 2)
    blueprint = _blueprint(meta["at_least_per_module"], blueprint_line, problems)
    _module_problems(questions, bool(blueprint), blueprint_line, problems)
    quiz = ParsedQuiz(meta["title"], draw, meta["shuffle"], meta["partial_credit"], questions, blueprint,
                      blueprint_line, module_lines, internal_links(doc.body, doc.body_line), doc.body_line)
    return quiz, sorted(problems, key=lambda problem: problem.line)


def _blueprint(value, line: int, problems: list[ContentProblem]) -> dict[str, int]:
    """The at_least_per_module field as {"default" | module slug: number}; its shape only (the slugs are checked
    against the course's modules by the course importer)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        value = {"default": value}
    blueprint = {}
    for key, number in value.items():
        key = str(key)
        if key != "default" and not SLUG_RE.match(key):
            problems.append(ContentProblem(f"'{key}' is not a module slug: {BLUEPRINT_HELP}", line))
        elif isinstance(number, bool) or not isinstance(number, int) or number < 0:
            problems.append(ContentProblem(f"'{number}' for {key} is not a whole number of questions: "
                                           f"{BLUEPRINT_HELP}", line))
        else:
            blueprint[key] = number
    return blueprint


def _module_problems(questions: list[ParsedQuestion], has_blueprint: bool, blueprint_line: int,
                     problems: list[ContentProblem]) -> None:
    """A bank is sorted under '# <module>' headings throughout or not at all; a blueprint needs them."""
    if not any(question.module for question in questions):
        if has_blueprint and questions:
            problems.append(ContentProblem("at_least_per_module needs the questions sorted by module: put a "
                                           "'# <module-slug>' heading above each module's questions", blueprint_line))
        return
    for question in questions:
        if not question.module:
            problems.append(ContentProblem("a question before the first '# <module-slug>' heading: every question "
                                           "of a bank sorted by module sits under one", question.line))


def _questions(body: str, first_line: int, problems: list[ContentProblem],
               module_lines: dict[str, int]) -> list[ParsedQuestion]:
    """The questions, each with the module heading it sits under; `module_lines` gets each heading's first line."""
    questions: list[ParsedQuestion] = []
    scenario: list[str] = []
    module = ""
    for number, line in enumerate(body.splitlines(), start=first_line):
        if line.startswith("## ") or line.rstrip() == "##":
            if questions:
                questions[-1].scenario = "\n".join(scenario).strip()
            scenario = []
            questions.append(ParsedQuestion(number, line[2:].strip(), module))
            continue
        heading = MODULE_HEADING_RE.match(line)
        if heading:
            module = heading.group(1)
            module_lines.setdefault(module, number)
            if not SLUG_RE.match(module):
                problems.append(ContentProblem(f"'# {module}' is not a module slug: a '# ' heading names the module "
                                               "the questions below it test, as in its file name (# outcomes for "
                                               "07-outcomes.md)", number))
            if questions and questions[-1].explanation:
                continue
            if questions:
                problems.append(ContentProblem("a module heading inside a question: finish the question (options "
                                               "and '> ' explanation) before the next '# ' heading", number))
            continue
        if not questions:
            if line.strip():
                problems.append(ContentProblem("text before the first question: start each question with '## '",
                                               number))
            continue
        _question_line(questions[-1], number, line, scenario, problems)
    if questions:
        questions[-1].scenario = "\n".join(scenario).strip()
    return questions


def _question_line(question: ParsedQuestion, number: int, line: str, scenario: list[str],
                   problems: list[ContentProblem]) -> None:
    option = OPTION_RE.match(line)
    if option:
        if question.explanation:
            problems.append(ContentProblem("an option after the explanation: the '> ' explanation goes after "
                                           "the last option", number))
        text = option.group(2).strip()
        if not text:
            problems.append(ContentProblem("empty option: write the answer after the '- [ ]'", number))
        question.options.append(ParsedOption(number, text, option.group(1) in "xX"))
    elif line.startswith(">"):
        if not question.options:
            problems.append(ContentProblem("the explanation comes before the options: list the options first",
                                           number))
        question.explanation.append((number, line[2:] if line.startswith("> ") else line[1:]))
    elif not line.strip():
        if not question.options:
            scenario.append("")
    elif not question.options:
        scenario.append(line)
    elif question.explanation:
        problems.append(ContentProblem("text after the explanation: start the next question with '## '", number))
    elif line[0].isspace() and not LIST_ITEM_RE.match(line):
        last = question.options[-1]
        question.options[-1] = ParsedOption(last.line, f"{last.text} {line.strip()}", last.is_correct)
    elif LIST_ITEM_RE.match(line):
        problems.append(ContentProblem("an option must start with '- [ ]' (wrong) or '- [x]' (right)", number))
    else:
        problems.append(ContentProblem("text between the options: scene-setting goes before the first option, "
                                       "the explanation after the last as '> ...'", number))


def _check_questions(questions: list[ParsedQuestion]) -> list[ContentProblem]:
    problems = []
    seen: dict[str, int] = {}
    for question in questions:
        if not question.text:
            problems.append(ContentProblem("a question needs its text after '## '", question.line))
            continue
        key = _normalise(question.text)
        if key in seen:
            problems.append(ContentProblem(f"duplicate question: the same as line {seen[key]}", question.line))
        seen.setdefault(key, question.line)
        if len(question.options) < 2:
            problems.append(ContentProblem("a question needs at least two options ('- [ ]' lines)", question.line))
        elif not any(option.is_correct for option in question.options):
            problems.append(ContentProblem("no option is marked correct: mark the right answer '- [x]'",
                                           question.line))
        texts: dict[str, int] = {}
        for option in question.options:
            if option.text and _normalise(option.text) in texts:
                problems.append(ContentProblem(f"the same option twice (see line {texts[_normalise(option.text)]})",
                                               option.line))
            texts.setdefault(_normalise(option.text), option.line)
        if not any(text.strip() for _, text in question.explanation):
            problems.append(ContentProblem("missing explanation: add a '> ' line after the options saying why the "
                                           "answer is right", question.line))
    return problems


@dataclass(frozen=True)
class RenderedQuestion:
    text: str
    html: str
    scenario_html: str
    explanation_html: str
    cited_path: str
    is_multiple: bool
    fingerprint: str
    #: (plain text, html, is_correct) in authored order
    options: list[tuple[str, str, bool]]


def render_question(question: ParsedQuestion) -> RenderedQuestion:
    """Render a question's parts to sanitised HTML, once, at import."""
    html = render_inline(question.text)
    options = []
    for option in question.options:
        option_html = render_inline(option.text)
        options.append((plain_text(option_html), option_html, option.is_correct))
    explanation = "\n".join(text for _, text in question.explanation)
    return RenderedQuestion(
        text=plain_text(html), html=html,
        scenario_html=render_markdown(question.scenario).html if question.scenario else "",
        explanation_html=render_markdown(explanation).html, cited_path=question.cited_path(),
        is_multiple=question.is_multiple, fingerprint=question.fingerprint, options=options,
    )


def resolve_blueprint(quiz: ParsedQuiz, module_slugs: list[str]) -> tuple[dict[str, int], list[ContentProblem]]:
    """Check the quiz's module headings and blueprint against the course's modules; return the questions every
    attempt draws from each module ({module slug: at least}, modules owed none left out) and the problems.

    Refuses a blueprint the bank cannot meet: a module with fewer questions than it must give every attempt, or
    minimums that add up to more than an attempt draws.
    """
    problems = []
    known = set(module_slugs)
    listed = ", ".join(module_slugs) or "none"
    for slug, line in quiz.module_lines.items():
        if slug not in known:
            problems.append(ContentProblem(f"'# {slug}' is not a module of this course (its modules: {listed})", line))
    for key in quiz.blueprint:
        if key != "default" and key not in known:
            problems.append(ContentProblem(f"at_least_per_module names '{key}', which is not a module of this course "
                                           f"(its modules: {listed})", quiz.blueprint_line))
    if not quiz.blueprint or problems:
        return {}, problems
    default = quiz.blueprint.get("default", 0)
    wanted = {slug: quiz.blueprint.get(slug, default) for slug in module_slugs}
    wanted = {slug: number for slug, number in wanted.items() if number}
    in_bank = Counter(question.module for question in quiz.questions)
    for slug, number in wanted.items():
        if in_bank[slug] < number:
            problems.append(ContentProblem(
                f"every attempt must draw at least {number} question{'s' if number != 1 else ''} on '{slug}' but the "
                f"bank has {in_bank[slug]} under '# {slug}': add questions or lower at_least_per_module",
                quiz.blueprint_line))
    per_attempt = min(quiz.draw or len(quiz.questions), len(quiz.questions))
    if sum(wanted.values()) > per_attempt:
        problems.append(ContentProblem(
            f"at_least_per_module adds up to {sum(wanted.values())} questions but an attempt draws {per_attempt}: "
            "raise draw or lower the minimums", quiz.blueprint_line))
    return ({} if problems else wanted), problems
