"""A choice field the model lets be blank answers "" on the wire; its schema must allow it.

DRF drops ``allow_blank`` from read-only fields, and drf-spectacular then documents the
field as one of its choices only, so a generated client (and schemathesis) rejects a
proposal whose ``sanction_action`` is "". The project's ModelSerializer keeps it; this
walks every ModelSerializer of the apps so that a new one cannot bring the defect back.
"""

import importlib
import pkgutil

from django.db import models
from rest_framework import serializers

import apps


def _serializer_classes():
    for module in pkgutil.walk_packages(apps.__path__, "apps."):
        if ".migrations" in module.name or not module.name.rsplit(".", 1)[-1].startswith(("api", "serializers")):
            continue
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            if (
                isinstance(value, type)
                and issubclass(value, serializers.ModelSerializer)
                and value.__module__ == loaded.__name__
                and hasattr(value, "Meta")
            ):
                yield value


def _blank_choice_fields(serializer_class):
    model = serializer_class.Meta.model
    for name, field in serializer_class().fields.items():
        if not isinstance(field, serializers.ChoiceField) or field.source in ("*", None):
            continue
        try:
            model_field = model._meta.get_field(field.source)
        except Exception:  # a computed or related source
            continue
        if isinstance(model_field, models.CharField) and model_field.choices and model_field.blank:
            yield name, field


def test_the_walk_finds_the_serializers_it_must_check():
    found = {cls.__name__ for cls in _serializer_classes()}
    assert {"ProposalSerializer", "ProposalDetailSerializer"} <= found


def test_every_blank_choice_field_allows_blank_in_its_schema(db):
    checked, missing = 0, []
    for serializer_class in _serializer_classes():
        for name, field in _blank_choice_fields(serializer_class):
            checked += 1
            if not field.allow_blank:
                missing.append(f"{serializer_class.__module__}.{serializer_class.__name__}.{name}")
    assert checked >= 2  # sanction_action and seat_action at least
    assert missing == []


def test_the_schema_documents_a_blank_sanction_and_seat_action(client):
    schema = client.get("/api/schema/?format=json").json()
    for prop in ("sanction_action", "seat_action"):
        described = schema["components"]["schemas"]["ProposalDetail"]["properties"][prop]
        refs = {part.get("$ref", "").rsplit("/", 1)[-1] for part in described.get("oneOf", [])}
        assert "BlankEnum" in refs, (prop, described)


def test_every_null_choice_field_allows_null_in_its_schema(db):
    """The null case of the same defect: a choice field the model lets be null answers null."""
    checked, missing = 0, []
    for serializer_class in _serializer_classes():
        model = serializer_class.Meta.model
        for name, field in serializer_class().fields.items():
            if not isinstance(field, serializers.ChoiceField) or field.source in ("*", None):
                continue
            try:
                model_field = model._meta.get_field(field.source)
            except Exception:  # a computed or related source
                continue
            if model_field.choices and model_field.null:
                checked += 1
                if not field.allow_null:
                    missing.append(f"{serializer_class.__module__}.{serializer_class.__name__}.{name}")
    assert checked >= 1  # a report's listing_kind at least
    assert missing == []


def test_the_schema_documents_a_null_listing_kind(client):
    schema = client.get("/api/schema/?format=json").json()
    described = schema["components"]["schemas"]["Report"]["properties"]["listing_kind"]
    refs = {part.get("$ref", "").rsplit("/", 1)[-1] for part in described.get("oneOf", [])}
    assert described.get("nullable") is True or "NullEnum" in refs, described
