from .feedback import BankCase, Loan, LoanStatus, PledgeRegistration
from .lookups import Lookup
from .needs import Consent, ConsentBank, FinancingNeed, GrowthStage, NeedStatus
from .policy import FinancePolicy, PartnerBank
from .risk import ClaimStatus, FundMovement, MovementKind, RiskClaim, RiskFund
from .subsidies import (
    GRANTED_STATUSES,
    EvidenceKind,
    SubsidyApplication,
    SubsidyEvidence,
    SubsidyStatus,
    SubsidyTransition,
)
from .whitelists import (
    Candidate,
    ImmutableError,
    Publication,
    PublicationDownload,
    PublicationEntry,
    PublicationRecipient,
    Whitelist,
    WhitelistStatus,
)

__all__ = [
    "GRANTED_STATUSES",
    "BankCase",
    "Candidate",
    "ClaimStatus",
    "Consent",
    "ConsentBank",
    "EvidenceKind",
    "FinancePolicy",
    "FinancingNeed",
    "FundMovement",
    "GrowthStage",
    "ImmutableError",
    "Loan",
    "LoanStatus",
    "Lookup",
    "MovementKind",
    "NeedStatus",
    "PartnerBank",
    "PledgeRegistration",
    "Publication",
    "PublicationDownload",
    "PublicationEntry",
    "PublicationRecipient",
    "RiskClaim",
    "RiskFund",
    "SubsidyApplication",
    "SubsidyEvidence",
    "SubsidyStatus",
    "SubsidyTransition",
    "Whitelist",
    "WhitelistStatus",
]

from .what_if import FinanceDraft, FinanceSimulation  # noqa: E402

__all__ += ["FinanceDraft", "FinanceSimulation"]
