from django.apps import AppConfig


class PoolConfig(AppConfig):
    name = "pool"
    verbose_name = "培育库"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (re-score open batches when criteria or lists change)
