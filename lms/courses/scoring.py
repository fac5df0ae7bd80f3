"""How a question is marked. One rule, stated to officers on the quiz page by `rule_text`."""
from lms.courses.models import Question


def question_credit(question: Question, chosen: set[int], *, partial_credit: bool) -> float:
    """The share of the question's mark (0 to 1) earned by choosing the options `chosen`."""
    correct = {option.id for option in question.options if option.is_correct}
    if chosen == correct:
        return 1.0
    if not (question.is_multiple and partial_credit):
        return 0.0
    earned = len(chosen & correct) - len(chosen - correct)
    return round(max(earned, 0) / len(correct), 4)


def score_percent(points: float, questions: int) -> int:
    """Points as a percentage, rounded down, so a score shown as 80% has really reached 80%."""
    return int(100 * points / questions + 1e-9) if questions else 0


def rule_text(partial_credit: bool) -> str:
    if partial_credit:
        return ("On a “choose all that apply” question, each right option you tick earns a share of the mark "
                "and each wrong one you tick takes a share away; a question never scores less than nothing.")
    return ("On a “choose all that apply” question you get the mark only if you tick every right option and "
            "no wrong one: a part-right answer scores nothing for that question.")
