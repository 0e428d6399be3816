from households.excel.models import ExportJob, ImportJob
from households.organisation.models import Agency, Area, StaffProfile

from .households import AreaPopulation, Household, Member, PovertyCause
from .outbox import Heartbeat, OutboxMessage
from .reviews import Classification, HouseholdReview, Movement, ReviewReopening, ReviewRound
from .standards import PovertyIndicator, PovertyStandard

__all__ = [
    "Agency",
    "Area",
    "AreaPopulation",
    "Classification",
    "ExportJob",
    "Heartbeat",
    "Household",
    "HouseholdReview",
    "ImportJob",
    "Member",
    "Movement",
    "OutboxMessage",
    "PovertyCause",
    "PovertyIndicator",
    "PovertyStandard",
    "ReviewReopening",
    "ReviewRound",
    "StaffProfile",
]
