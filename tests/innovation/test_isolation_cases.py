"""The isolation suite's innovation cases are real operations of the schema (not stale names)."""

from tests.security.test_isolation import INNOVATION_CASES, operations


def test_every_innovation_case_is_an_operation_of_the_schema():
    assert set(INNOVATION_CASES) <= set(operations())
    assert len(INNOVATION_CASES) == 22
