"""Reference data in the reader's language: ``{% load reference %}``."""

from django import template

from apps.reference.models import reads_chinese
from apps.reference.selectors import region_name as name_of_region

register = template.Library()


@register.filter
def region_name(code: str, registered: str = "") -> str:
    """``{{ enterprise.region_code|region_name:enterprise.region_name }}``: the region's name in
    the reader's language, else the name as registered (a code the reference data lacks)."""
    return name_of_region(code, chinese=reads_chinese()) or registered or code
