from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "门户核心"

    def ready(self) -> None:
        from . import exports, signals  # noqa: F401  (registers the export task; login/logout audit)
        from .filters import bound_number_filters, reuse_filter_forms
        from .outbox import tasks as outbox_tasks  # noqa: F401  (registers the outbox's beat task)
        from .services.kpi import hooks

        bound_number_filters()
        reuse_filter_forms()
        hooks.connect()  # the KPI summary follows its source records
