"""The criteria app's services: evaluation helpers (DB-facing), shipped data loaders and list imports.

Other apps import from here: ``rules_for``, ``reference_data``, ``list_hits_for``, ``evaluate_application_facts``.
"""

from .evaluation import (
    clear_caches,
    default_criteria_set,
    evaluate_application_facts,
    list_hits_for,
    reference_data,
    rules_for,
)

__all__ = ["clear_caches", "default_criteria_set", "evaluate_application_facts", "list_hits_for",
           "reference_data", "rules_for"]
