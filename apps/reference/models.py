"""Shared reference data (loaded from JSON under apps/reference/data by a data migration).

Data, not code: the process taxonomy, industry classification and certification schemes
are rows that the membership and marketplace apps point at.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import coordinates


def reads_chinese() -> bool:
    """Whether the active language is Chinese (the reader's, in a request)."""
    return (get_language() or "").startswith("zh")


class BilingualNameMixin(models.Model):
    """A name in both scripts; ``name`` is the reader's one."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=160)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_zh if reads_chinese() else self.name_en


class IndustryCode(BilingualNameMixin):
    """National economic industry classification GB/T 4754-2017: sections and divisions."""

    class Level(models.TextChoices):
        SECTION = "section", _("Section")
        DIVISION = "division", _("Division")

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")

    class Meta:
        verbose_name = _("industry code")
        verbose_name_plural = _("industry codes")
        ordering = ["code"]


class Capability(BilingualNameMixin):
    """A production or service process from the shared taxonomy (e.g. CNC machining)."""

    code = models.SlugField(_("code"), max_length=60, primary_key=True)
    category = models.CharField(_("category"), max_length=30, db_index=True)
    unit = models.CharField(_("typical unit"), max_length=12)
    industry_divisions = models.ManyToManyField(IndustryCode, blank=True, related_name="capabilities")

    class Meta:
        verbose_name = _("capability")
        verbose_name_plural = _("capabilities")
        ordering = ["category", "code"]


class CertificationScheme(BilingualNameMixin):
    """A certification enterprises hold (ISO 9001, IATF 16949, CCC, …)."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    # the short mark: the same in both scripts for an international one (ISO 9001, CCC), its
    # own in each for a national recognition (高新技术企业 / HNTE)
    label_zh = models.CharField(_("label (Chinese)"), max_length=60)
    label_en = models.CharField(_("label (English)"), max_length=60)
    issuer_hint = models.CharField(_("typical issuer"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("certification scheme")
        verbose_name_plural = _("certification schemes")
        ordering = ["code"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.label_zh if reads_chinese() else self.label_en


class Region(BilingualNameMixin):
    """A prefecture-level city (GB/T 2260 code) with its centre, for defaults and demo data."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    province_zh = models.CharField(_("province (Chinese)"), max_length=30)
    province_en = models.CharField(_("province (English)"), max_length=40)
    latitude = coordinates.model_field("latitude", _("latitude"))
    longitude = coordinates.model_field("longitude", _("longitude"))

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [coordinates.check("region", "latitude"), coordinates.check("region", "longitude")]

    @property
    def province(self) -> str:
        return self.province_zh if reads_chinese() else self.province_en
