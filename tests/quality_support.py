"""A force for the quality tests: two areas, a reviewer in one, supervisors, officers and the test rubric."""
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
