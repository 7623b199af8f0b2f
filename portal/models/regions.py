from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


# How many leading digits of a GB/T 2260 code identify a region's subtree, by level.
SCOPE_DIGITS = {RegionLevel.PROVINCE: 2, RegionLevel.CITY: 4, RegionLevel.COUNTY: 6}


class Region(models.Model):
    """行政区划 — an administrative region of GB/T 2260: province ⊃ city ⊃ county.

    The six-digit code is the key; a region's subtree is every code that starts with its scope prefix, which is
    what makes scoping a single indexed prefix filter.
    """

    code = models.CharField("行政区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("级别", max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_prefix(self) -> str:
        return self.code[: SCOPE_DIGITS[self.level]]

    def contains(self, other: "Region | str") -> bool:
        code = other if isinstance(other, str) else other.code
        return code.startswith(self.scope_prefix)

    @property
    def is_mainland(self) -> bool:
        """境内 = mainland codes 11–65."""
        return 11 <= int(self.code[:2]) <= 65

    def full_name(self) -> str:
        names = []
        region: Region | None = self
        while region is not None:
            names.append(region.name)
            region = region.parent
        return "".join(reversed(names))
