"""One pure evaluator per criterion: ``(context) -> CriterionResult``, in the order of the standard."""

from .brand import trademark
from .identity import sme_legal_person
from .industry import industry
from .integrity import integrity
from .ip_management import ip_management
from .patents import core_patent_product, industrialisation_rate
from .qualification import qualification
from .rnd import rnd_expense, rnd_team

EVALUATORS = (sme_legal_person, qualification, industry, core_patent_product, industrialisation_rate, rnd_expense,
              rnd_team, trademark, ip_management, integrity)
