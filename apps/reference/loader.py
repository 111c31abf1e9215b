"""Load the reference JSON files into their tables (idempotent; used by a data migration)."""

import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def _read(name: str) -> list[dict]:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _upsert(model, key: dict, defaults: dict):
    """``update_or_create`` with the fields the model has at this point of its migrations (an
    early migration's model lacks the fields added later; a later migration loads them)."""
    fields = {field.name for field in model._meta.get_fields()} | {f"{f.name}_id" for f in model._meta.get_fields()}
    return model.objects.update_or_create(**key, defaults={k: v for k, v in defaults.items() if k in fields})


def load_reference_data(apps) -> dict[str, int]:
    """Upsert every row; ``apps`` is a migration's app registry (or ``django.apps.apps``)."""
    IndustryCode = apps.get_model("reference", "IndustryCode")
    Capability = apps.get_model("reference", "Capability")
    CertificationScheme = apps.get_model("reference", "CertificationScheme")
    Region = apps.get_model("reference", "Region")

    codes = _read("industry_codes.json")
    for row in codes:  # sections come before their divisions in the file
        _upsert(
            IndustryCode,
            {"code": row["code"]},
            {
                "level": row["level"],
                "parent_id": row["parent"],
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
            },
        )
    capabilities = _read("capabilities.json")
    for row in capabilities:
        capability, _ = _upsert(
            Capability,
            {"code": row["code"]},
            {
                "category": row["category"],
                "unit": row["unit"],
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
            },
        )
        capability.industry_divisions.set(row.get("industry_divisions", []))
    schemes = _read("certification_schemes.json")
    for row in schemes:
        _upsert(
            CertificationScheme,
            {"code": row["code"]},
            {
                "label": row["label_en"],  # before the labels had both scripts
                "label_zh": row["label_zh"],
                "label_en": row["label_en"],
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "issuer_hint": row.get("issuer_hint", ""),
            },
        )
    regions = _read("regions.json")
    for row in regions:
        _upsert(
            Region,
            {"code": row["code"]},
            {
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
