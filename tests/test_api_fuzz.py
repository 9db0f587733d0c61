"""Schemathesis generates input for every JSON endpoint in /openapi.json: the answer is never a 500."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from web import create_app


@pytest.fixture(scope="module")
def api_schema(indexed):
    settings_obj, _ = indexed
    app = create_app(settings=settings_obj, test_config={"TESTING": True})
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


def test_every_operation_answers_without_server_error(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 5
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case) -> None:
            response = case.call()
            assert response.status_code < 500, f"{case.method} {case.formatted_path} {case.query} -> {response.status_code}"
            if response.status_code >= 400 and "json" in (response.headers.get("Content-Type") or [""])[0]:
                body = response.json()
                assert body["ok"] is False and body["status"] == response.status_code and body["error"]

        check()
