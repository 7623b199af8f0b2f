"""The pool after admission (DESIGN §5): the lifecycle policy, its pure rules and the membership workflow.

Nothing here touches the database: ``policy`` turns a policy version's JSON into ``LifecycleRules``,
``snapshot`` reads the figures the rules compare out of an application's or a monitoring report's facts, and
``rules.evaluate`` returns a ``LifecycleVerdict`` with its reason keys, evidence and one Chinese sentence. The
models live in ``pool.models.lifecycle``, the state changes in ``pool.services.lifecycle``.
"""
