from django.core.management.base import BaseCommand
from django.db import transaction

from portal.models import Region
from portal.regions_source import region_rows


class Command(BaseCommand):
    help = "Load the GB/T 2260 region table (province → city → county, current codes) from python-stdnum."

    def handle(self, *args, **options):
        rows = region_rows()
        with transaction.atomic():
            # Parents first, so every row's parent exists when it is written.
            for level in ("province", "city", "county"):
                batch = [Region(code=r.code, name=r.name, level=r.level, parent_id=r.parent)
                         for r in rows if r.level == level]
                Region.objects.bulk_create(batch, update_conflicts=True, unique_fields=["code"],
                                           update_fields=["name", "level", "parent"], batch_size=1000)
        counts = {level: sum(1 for r in rows if r.level == level) for level in ("province", "city", "county")}
        if options["verbosity"]:
            self.stdout.write(f"行政区划已载入：省级 {counts['province']}，市级 {counts['city']}，县级 {counts['county']}")
