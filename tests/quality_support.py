"""A force for the quality tests: two areas, a reviewer in one, supervisors, officers, the test rubrics and audits."""
import pytest

from tests.reports_support import Force


class QualityForce(Force):
    """Force (teams A in Northtown and B in Southport) plus a second Northtown team and a Northtown reviewer."""

    def __init__(self, make_person, make_team):
        super().__init__(make_person, make_team)
        self.standards = make_team("Investigation Standards", area="Northtown", team_type="INVESTIGATION_STANDARDS")
        self.reviewer = make_person(roles=("officer", "iq_sergeant"), rank="DS", team=self.standards,
                                    given_name="Rita", family_name="Reviewer")
        self.reviewer_b = make_person(roles=("officer", "iq_sergeant"), rank="DS", team=self.team_b,
                                      given_name="Sam", family_name="Southreviewer")


@pytest.fixture
def qforce(make_person, make_team, synced_content) -> QualityForce:
    return QualityForce(make_person, make_team)


def submit_plan(client, body="## Hypotheses\n- A burglary by someone with a key", scenario="Scenario 1: a burglary"):
    return client.post("/plans/new", data={"scenario": scenario, "body": body, "action": "submit"})


def review_data(scores=(1, 2), comments=("Test each explanation", "Good needs assessment"), **extra):
    data = {f"score_{i}": str(score) for i, score in enumerate(scores)}
    data |= {f"comment_{i}": comment for i, comment in enumerate(comments)}
    return data | extra


AUDIT_RUBRIC = """---
title: Audit (test)
summary: The audit rubric for the tests.
use: quality-audit
---
## Recording
- 0 Not met: Wrong.
- 1 Met: Right.

## Supervision
- 0 Not met: None.
- 1 Partly met: Some.
- 2 Met: Regular.
"""


@pytest.fixture
def audit_rubric(content_tree, db):
    """The audit rubric above imported as content (with the fixture tree's plan review rubric)."""
    from lms.content.sync import sync_content

    (content_tree / "rubrics" / "audit.md").write_text(AUDIT_RUBRIC)
    assert sync_content(content_tree).ok
    db.session.commit()
