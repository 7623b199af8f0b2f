"""State changes of the pool app, one keyword-only function per transition (see CONVENTIONS.md).

``applications`` — the enterprise's draft, autosave and submission; ``transitions`` — the generic guarded
status change reviewers' services build on; ``attachments``; ``patent_import``; ``batches``; ``scoring``.
"""
