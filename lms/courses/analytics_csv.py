"""The analytics as CSV: the same figures as the page, one row per measure, safe to open in a spreadsheet."""
from lms import csvutil
from lms.courses.analytics import VersionFigures

HEADER = ["kind", "question", "option", "text", "correct_option", "count", "out_of", "percent",
          "most_popular_wrong", "versions_pooled", "cites"]
TOO_FEW = "too few attempts"


def percent(value: int | None) -> str:
    return TOO_FEW if value is None else str(value)


def rows(figures: VersionFigures) -> list[list]:
    out = [HEADER,
           ["attempts", "", "", f"Version {figures.version.number}", "", figures.attempts, "", "", "", "", ""],
           ["passed", "", "", f"Pass rate (pass mark {figures.version.course.pass_mark}%)", "", figures.passed,
            figures.attempts, percent(figures.pass_rate), "", "", ""]]
    for label, count in figures.distribution:
        out.append(["score band", "", "", label, "", count, figures.attempts, "", "", "", ""])
    for item in figures.questions:
        question = item.question
        pooled = " ".join(str(number) for number in item.pooled_versions)
        out.append(["question", question.position, "", question.text, "", item.correct, item.answered,
                    percent(item.facility), "", pooled, question.cited_path])
        for entry in item.options:
            out.append(["option", question.position, entry.option.position, entry.option.text,
                        "yes" if entry.option.is_correct else "no", entry.chosen, item.answered,
                        percent(entry.percent), "yes" if entry.is_most_popular_wrong else "", pooled, ""])
    return out


def to_csv(figures: VersionFigures) -> str:
    return csvutil.to_csv(rows(figures))
