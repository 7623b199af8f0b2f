"""State changes of the pool after admission: one module per area (policies, membership and the replenishment
ledger, monitoring reports, the lifecycle evaluation and its proposals, follow-up cultivation)."""
