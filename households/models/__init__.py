from households.excel.models import ExportJob, ImportJob
from households.organisation.models import Agency, Area, StaffProfile

from .households import AreaPopulation, EthnicGroup, Household, Member, PovertyCause
from .outbox import Heartbeat, OutboxMessage
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
    "EthnicGroup",
    "ExportJob",
    "Heartbeat",
    "Household",
    "HouseholdReview",
    "HouseholdTransfer",
    "ImportJob",
    "Member",
    "Movement",
    "OutboxMessage",
    "PovertyCause",
    "PovertyIndicator",
    "PovertyStandard",
    "Reorganisation",
    "ReorganisationStep",
    "ReviewReopening",
    "ReviewRound",
    "StaffProfile",
    "TransferRun",
]
