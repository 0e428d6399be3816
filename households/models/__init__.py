from households.excel.models import ExportJob, ImportJob
from households.organisation.models import Agency, Area, StaffProfile

from .households import AreaPopulation, EthnicGroup, Household, Member, PovertyCause
from .outbox import Heartbeat, OutboxMessage
from .procedure import (
    Complaint,
    HamletMeeting,
    MeetingResult,
    PaperJob,
    Posting,
    ProcedureStep,
    Recognition,
    ReviewCalendar,
)
from .reorganisations import (
    AreaKindChange,
    HouseholdTransfer,
    Reorganisation,
    ReorganisationStep,
    TransferRun,
)
from .reviews import Classification, HouseholdReview, Movement, ReviewReopening, ReviewRound
from .standards import PovertyIndicator, PovertyStandard

__all__ = [
    "Agency",
    "Area",
    "AreaKindChange",
    "AreaPopulation",
    "Classification",
    "Complaint",
    "EthnicGroup",
    "ExportJob",
    "HamletMeeting",
    "Heartbeat",
    "Household",
    "HouseholdReview",
    "HouseholdTransfer",
    "ImportJob",
    "MeetingResult",
    "Member",
    "Movement",
    "OutboxMessage",
    "PaperJob",
    "Posting",
    "PovertyCause",
    "PovertyIndicator",
    "PovertyStandard",
    "ProcedureStep",
    "Recognition",
    "Reorganisation",
    "ReorganisationStep",
    "ReviewCalendar",
    "ReviewReopening",
    "ReviewRound",
    "StaffProfile",
    "TransferRun",
]
