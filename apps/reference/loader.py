"""Load the reference JSON files into their tables (idempotent; used by a data migration)."""

import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def _read(name: str) -> list[dict]:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def load_reference_data(apps) -> dict[str, int]:
    """Upsert every row; ``apps`` is a migration's app registry (or ``django.apps.apps``)."""
    IndustryCode = apps.get_model("reference", "IndustryCode")
    Capability = apps.get_model("reference", "Capability")
    CertificationScheme = apps.get_model("reference", "CertificationScheme")
    Region = apps.get_model("reference", "Region")

    codes = _read("industry_codes.json")
    for row in codes:  # sections come before their divisions in the file
        IndustryCode.objects.update_or_create(
            code=row["code"],
            defaults={
                "level": row["level"],
                "parent_id": row["parent"],
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
            },
        )
    capabilities = _read("capabilities.json")
    for row in capabilities:
        capability, _ = Capability.objects.update_or_create(
            code=row["code"],
            defaults={
                "category": row["category"],
                "unit": row["unit"],
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
            },
        )
        capability.industry_divisions.set(row.get("industry_divisions", []))
    schemes = _read("certification_schemes.json")
    for row in schemes:
        CertificationScheme.objects.update_or_create(
            code=row["code"],
            defaults={
                "label": row["name"],
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "issuer_hint": row.get("issuer_hint", ""),
            },
        )
    regions = _read("regions.json")
    for row in regions:
        Region.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "province_zh": row["province_zh"],
                "province_en": row["province_en"],
                "latitude": row["lat"],
                "longitude": row["lng"],
            },
        )
    return {
        "industry_codes": len(codes),
        "capabilities": len(capabilities),
        "certification_schemes": len(schemes),
        "regions": len(regions),
    }
