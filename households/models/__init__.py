from households.excel.models import ExportJob, ImportJob
from households.organisation.models import Agency, Area, StaffProfile

from .households import AreaPopulation, Household, Member, PovertyCause
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
    "ExportJob",
    "Household",
    "HouseholdReview",
    "HouseholdTransfer",
    "ImportJob",
    "Member",
    "Movement",
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
