"""The first addresses a newcomer opens lead somewhere: /api/ lists the areas and the docs, / and
the docs' addresses without their slash lead to the docs."""

import httpx

from core.testing.client import assert_error


def test_the_api_root_lists_the_areas_of_its_schema_and_the_docs(api):
    platform = api.get("/api/")
    assert platform.status_code == 200
    assert platform.json()["tenant"] is None and "tenants" in platform.json()["areas"]
    assert platform.json()["docs"]["swagger"] == "/api/docs/"
    for path in platform.json()["areas"].values():
        assert api.get(path).status_code != 404, path
    tenant = api.get("/api/", tenant="alfa").json()
    assert tenant["tenant"] == "alfa" and set(tenant["areas"]) >= {"tickets", "productos", "usuarios"}
    for path in tenant["areas"].values():  # every area it names exists (a 401 or a listing, no 404)
        assert api.get(path, tenant="alfa").status_code != 404, path


def test_the_api_root_refuses_writes_and_unknown_tenants_in_json(api):
    assert_error(api.post("/api/", json={}), 405, "method_not_allowed")
    assert_error(api.get("/api/", tenant="no-existe"), 404, "tenant_not_found")


def test_the_root_and_the_docs_without_their_slash_lead_to_the_docs(http_server):
    with httpx.Client(base_url=http_server.url) as client:
        for path, target in (("/", "/api/docs/"), ("/api/docs", "/api/docs/"), ("/api/redoc", "/api/redoc/")):
            response = client.get(path)
            assert response.status_code == 302 and response.headers["location"] == target, path
        assert client.get("/api/docs", follow_redirects=True).status_code == 200
