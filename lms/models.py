"""Import every domain's models so metadata (migrations, create_all) sees every table."""
from lms.audit.models import AuditEvent  # noqa: F401
from lms.checklists.models import Checklist  # noqa: F401
from lms.completion.models import TrainingVersion  # noqa: F401
from lms.content.models import ContentVersion  # noqa: F401
from lms.core.models import Heartbeat  # noqa: F401
from lms.core.once import FormSubmission  # noqa: F401
from lms.courses.models import (AttemptQuestion, Course, Module, ModuleRead, Option,  # noqa: F401
                                Question, QuizAttempt, QuizVersion)
from lms.guidance.models import GuidanceCategory, GuidancePage, GuidanceRevision  # noqa: F401
from lms.notify.models import OutboxMessage  # noqa: F401
from lms.people.models import (Area, DeviceSession, LoginCounter, PasswordToken, Person,  # noqa: F401
                               RecoveryCode, ResetRequest, RoleGrant, RosterDeactivation, RosterImport,
                               RosterUpload, Team)
from lms.records.models import Certificate  # noqa: F401
from lms.reports.models import Delegation, Nudge, ProgrammeTarget, area_leads  # noqa: F401
from lms.search.models import GlossaryTerm, SearchDocument, SearchWord  # noqa: F401
from lms.sessions.models import Attendance, Booking, CalendarFeed, TrainingSession, Venue  # noqa: F401
from lms.trainers.models import FacilitatorPage  # noqa: F401
from lms.xapi.models import XapiStatement  # noqa: F401
from lms.quality.models import (AuditAction, AuditCase, AuditVisit, OutcomeImport, OutcomeMonth, Plan,  # noqa: F401
                                PlanAttempt, PlanReview, Rubric, RubricVersion)
