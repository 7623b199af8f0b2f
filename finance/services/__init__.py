"""State changes of the finance app, one keyword-only function per change (see CONVENTIONS.md).

``policies`` — loading policy versions and the one in force for a place; ``needs`` — the enterprise's need and
consent; ``whitelists`` — generating, reviewing and publishing whitelists, downloads; ``feedback`` — the bank's
contact, credit line, loan, pledge and repayment records and their Excel import; ``lookups`` — the two-way
lookup; ``subsidies``; ``risk`` — the fund and claims.
"""
