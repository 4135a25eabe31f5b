"""The fake Supabase Storage answers every recorded call as the real server did
(`../shared/reference/supabase-real-server.md`, storage-api v1.26.5), row by row, so it cannot drift
back into answers that hide bugs."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from core.testing.fake_supabase import FakeSupabaseStorage

KEY = "service-role-key"
ANON = "anon-role-key"
OTHER = "a-key-signed-with-another-secret"
DATA = bytes(range(256)) * 390 + bytes(160)  # 100,000 bytes
MD5 = hashlib.md5(DATA, usedforsecurity=False).hexdigest()


@pytest.fixture
def storage(tmp_path):
    fake = FakeSupabaseStorage(tmp_path / "s", KEY, anon_key=ANON).start()
    with httpx.Client(base_url=f"{fake.url}/storage/v1", timeout=10) as client:
        auth = {"apikey": KEY, "Authorization": f"Bearer {KEY}"}
        assert (
            client.post("/bucket", json={"id": "B", "name": "B", "public": False}, headers=auth).status_code
            == 200
        )
        # as storage3 uploads (multipart, cacheControl 3600)
        assert client.post("/object/B/a/x.bin", headers=auth, **_multipart("x.bin")).status_code == 200
        yield fake, client
    fake.stop()


def _headers(who: str) -> dict[str, str]:
    return {
        "service": {"apikey": KEY, "Authorization": f"Bearer {KEY}"},
        "bad": {"apikey": OTHER, "Authorization": f"Bearer {OTHER}"},
        "garbage": {"apikey": "garbage", "Authorization": "Bearer garbage"},
        "none": {},
        "bearer only": {"Authorization": f"Bearer {KEY}"},
        "bearer, other apikey": {"apikey": OTHER, "Authorization": f"Bearer {KEY}"},
        "apikey only": {"apikey": KEY},
        "anon": {"apikey": ANON, "Authorization": f"Bearer {ANON}"},
    }[who]


def _multipart(name: str) -> dict:
    return {"files": {"file": (name, DATA, "application/octet-stream")}, "data": {"cacheControl": "3600"}}


def _error(code: str, error: str, message: str) -> dict:
    return {"statusCode": code, "error": error, "message": message}


BUCKET_NOT_FOUND = _error("404", "Bucket not found", "Bucket not found")
NOT_FOUND = _error("404", "not_found", "Object not found")
DUPLICATE = _error("409", "Duplicate", "The resource already exists")
BAD_JWT = _error("403", "Unauthorized", "signature verification failed")
NO_AUTH = _error("400", "Error", "headers must have required property 'authorization'")

# (call, who, method, path, request keyword arguments, HTTP status, expected body)
# the body is a dict that must be contained in the answer, a list that must equal it, or a check
ROWS = [
    ("GET missing bucket", "service", "GET", "/bucket/missing", {}, 400, BUCKET_NOT_FOUND),
    ("create bucket", "service", "POST", "/bucket", {"json": {"id": "C", "name": "C"}}, 200, {"name": "C"}),
    ("create bucket again", "service", "POST", "/bucket", {"json": {"id": "B", "name": "B"}}, 400, DUPLICATE),
    (
        "create bucket invalid name",
        "service",
        "POST",
        "/bucket",
        {"json": {"id": "Bad Name/x", "name": "Bad Name/x"}},
        400,
        _error("400", "Invalid Input", "Bucket name invalid"),
    ),
    (
        "GET bucket",
        "service",
        "GET",
        "/bucket/B",
        {},
        200,
        {
            "id": "B",
            "name": "B",
            "public": False,
            "owner": "",
            "file_size_limit": None,
            "allowed_mime_types": None,
        },
    ),
    (
        "upload multipart, no x-upsert",
        "service",
        "POST",
        "/object/B/a/y.bin",
        _multipart("y.bin"),
        200,
        {"Key": "B/a/y.bin"},
    ),
    (
        "upload same key again, no x-upsert",
        "service",
        "POST",
        "/object/B/a/x.bin",
        _multipart("x.bin"),
        400,
        DUPLICATE,
    ),
    (
        "upload same key, x-upsert: true",
        "service",
        "POST",
        "/object/B/a/x.bin",
        {**_multipart("x.bin"), "headers": {"x-upsert": "true"}},
        200,
        {"Key": "B/a/x.bin"},
    ),
    (
        "PUT (update) existing",
        "service",
        "PUT",
        "/object/B/a/x.bin",
        _multipart("x.bin"),
        200,
        {"Key": "B/a/x.bin"},
    ),
    (
        "PUT (update) missing object",
        "service",
        "PUT",
        "/object/B/a/nope.bin",
        _multipart("nope.bin"),
        200,
        {"Key": "B/a/nope.bin"},
    ),
    (
        "upload raw body",
        "service",
        "POST",
        "/object/B/a/raw.bin",
        {"content": DATA, "headers": {"Content-Type": "application/octet-stream"}},
        200,
        {"Key": "B/a/raw.bin"},
    ),
    (
        "upload to missing bucket",
        "service",
        "POST",
        "/object/missing-bucket/a/x.bin",
        _multipart("x.bin"),
        400,
        BUCKET_NOT_FOUND,
    ),
    (
        "upload key with '..'",
        "service",
        "POST",
        "/object/B/a/../b.bin",
        _multipart("b.bin"),
        200,
        {"Key": "B/b.bin"},
    ),
    ("GET object", "service", "GET", "/object/B/a/x.bin", {}, 200, "DATA"),
    (
        "GET object, Range bytes=0-9",
        "service",
        "GET",
        "/object/B/a/x.bin",
        {"headers": {"Range": "bytes=0-9"}},
        206,
        "RANGE",
    ),
    ("HEAD object", "service", "HEAD", "/object/B/a/x.bin", {}, 200, "HEAD"),
    ("GET /object/authenticated/...", "service", "GET", "/object/authenticated/B/a/x.bin", {}, 200, "DATA"),
    (
        "GET /object/info/...",
        "service",
        "GET",
        "/object/info/B/a/x.bin",
        {},
        200,
        {
            "bucket_id": "B",
            "cache_control": "max-age=3600",
            "content_type": "application/octet-stream",
            "etag": f'"{MD5}"',
        },
    ),
    ("GET missing object", "service", "GET", "/object/B/a/missing.bin", {}, 400, NOT_FOUND),
    (
        "GET object in missing bucket",
        "service",
        "GET",
        "/object/missing-bucket/a/x.bin",
        {},
        400,
        BUCKET_NOT_FOUND,
    ),
    ("list prefix 'a/'", "service", "POST", "/object/list/B", {"json": {"prefix": "a/"}}, 200, "LIST_A"),
    (
        "list prefix '' (root)",
        "service",
        "POST",
        "/object/list/B",
        {"json": {"prefix": ""}},
        200,
        "LIST_ROOT",
    ),
    (
        "list prefix 'a' (no slash)",
        "service",
        "POST",
        "/object/list/B",
        {"json": {"prefix": "a"}},
        200,
        "LIST_A",
    ),
    (
        "list missing bucket",
        "service",
        "POST",
        "/object/list/missing-bucket",
        {"json": {"prefix": ""}},
        200,
        [],
    ),
    ("bad JWT: GET bucket", "bad", "GET", "/bucket/B", {}, 400, BAD_JWT),
    ("bad JWT: create bucket", "bad", "POST", "/bucket", {"json": {"id": "D", "name": "D"}}, 400, BAD_JWT),
    ("bad JWT: upload", "bad", "POST", "/object/B/a/bad.bin", _multipart("bad.bin"), 400, BAD_JWT),
    ("bad JWT: GET object", "bad", "GET", "/object/B/a/x.bin", {}, 400, BUCKET_NOT_FOUND),
    ("bad JWT: list", "bad", "POST", "/object/list/B", {"json": {"prefix": ""}}, 400, BAD_JWT),
    ("bad JWT: delete", "bad", "DELETE", "/object/B", {"json": {"prefixes": ["a/x.bin"]}}, 400, BAD_JWT),
    ("garbage token: GET object", "garbage", "GET", "/object/B/a/x.bin", {}, 400, BUCKET_NOT_FOUND),
    ("no token at all: GET object", "none", "GET", "/object/B/a/x.bin", {}, 400, BUCKET_NOT_FOUND),
    ("no token at all: GET bucket", "none", "GET", "/bucket/B", {}, 400, NO_AUTH),
    ("valid Bearer, no apikey: GET object", "bearer only", "GET", "/object/B/a/x.bin", {}, 200, "DATA"),
    (
        "valid Bearer, other apikey: GET bucket",
        "bearer, other apikey",
        "GET",
        "/bucket/B",
        {},
        200,
        {"id": "B", "public": False},
    ),
    ("apikey only, no Bearer: GET bucket", "apikey only", "GET", "/bucket/B", {}, 400, NO_AUTH),
    ("anon-role JWT: GET object", "anon", "GET", "/object/B/a/x.bin", {}, 400, NOT_FOUND),
    (
        "anon-role JWT: upload",
        "anon",
        "POST",
        "/object/B/a/anon.bin",
        _multipart("anon.bin"),
        400,
        _error("403", "Unauthorized", "new row violates row-level security policy"),
    ),
    (
        "delete one object",
        "service",
        "DELETE",
        "/object/B",
        {"json": {"prefixes": ["a/x.bin"]}},
        200,
        "DELETED_ONE",
    ),
    (
        "delete it again (already gone)",
        "service",
        "DELETE",
        "/object/B",
        {"json": {"prefixes": ["a/gone.bin"]}},
        200,
        [],
    ),
    (
        "delete in missing bucket",
        "service",
        "DELETE",
        "/object/missing-bucket",
        {"json": {"prefixes": ["a/x.bin"]}},
        200,
        [],
    ),
    (
        "delete single via DELETE /object/b/key",
        "service",
        "DELETE",
        "/object/B/a/x.bin",
        {},
        200,
        {"message": "Successfully deleted"},
    ),
    (
        "DELETE non-empty bucket",
        "service",
        "DELETE",
        "/bucket/B",
        {},
        400,
        _error("409", "InvalidRequest", "The bucket you tried to delete is not empty"),
    ),
    (
        "unknown route",
        "service",
        "GET",
        "/nothing/here",
        {},
        404,
        {"error": "Not Found", "message": "Route GET:/nothing/here not found", "statusCode": 404},
    ),
]


def _check(expected, response: httpx.Response) -> None:
    if expected == "DATA":
        assert response.content == DATA and response.headers["etag"] == f'"{MD5}"'
        assert response.headers["cache-control"] == "max-age=3600"
    elif expected == "RANGE":
        assert response.content == DATA[:10] and response.headers["content-range"] == "bytes 0-9/100000"
        assert response.headers["etag"] == f'"{MD5}"'
    elif expected == "HEAD":
        assert response.content == b"" and response.headers["etag"] == f'"{MD5}"'
        assert response.headers["content-length"] == "100000"
    elif expected == "LIST_A":
        [entry] = response.json()
        assert entry["name"] == "x.bin" and entry["id"] and entry["metadata"]["contentLength"] == len(DATA)
    elif expected == "LIST_ROOT":
        [folder] = response.json()
        assert folder == {
            "name": "a",
            "id": None,
            "created_at": None,
            "updated_at": None,
            "last_accessed_at": None,
            "metadata": None,
        }
    elif expected == "DELETED_ONE":
        [row] = response.json()
        assert row["bucket_id"] == "B" and row["name"] == "a/x.bin" and row["id"]
    elif isinstance(expected, list):
        assert response.json() == expected
    else:
        body = response.json()
        assert {k: body.get(k) for k in expected} == expected, body


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_the_fake_answers_each_recorded_call_as_the_real_server(storage, row):
    _fake, client = storage
    _call, who, method, path, kwargs, status, expected = row
    kwargs = dict(kwargs)
    headers = {**_headers(who), **kwargs.pop("headers", {})}
    response = client.request(method, path, headers=headers, **kwargs)
    assert response.status_code == status, response.text
    _check(expected, response)


def test_a_public_bucket_serves_its_objects_to_anyone_and_a_private_one_does_not(storage):
    fake, client = storage
    assert client.get("/object/public/B/a/x.bin").json()["message"] == "Bucket not found"
    fake.make_bucket("open", public=True)
    auth = _headers("service")
    client.post(
        "/object/open/f.bin", content=b"visible", headers={**auth, "Content-Type": "application/octet-stream"}
    )
    assert client.get("/bucket/open", headers=auth).json()["public"] is True
    assert client.get("/object/public/open/f.bin").content == b"visible"


def test_the_size_limit_is_code_413(storage, tmp_path):
    fake, client = storage
    fake.upload_limit = 1000
    response = client.post(
        "/object/B/big.bin",
        content=b"x" * 1001,
        headers={**_headers("service"), "Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 400
    assert response.json() == _error(
        "413", "Payload too large", "The object exceeded the maximum allowed size"
    )


def test_a_gateway_in_front_answers_502_with_only_a_message_when_the_service_is_down(storage):
    fake, client = storage
    fake.down = True
    response = client.get("/bucket/B", headers=_headers("service"))
    assert response.status_code == 502 and list(response.json()) == ["message"]


def test_concurrent_creators_of_one_bucket_get_one_200_and_409s(storage):
    from concurrent.futures import ThreadPoolExecutor

    fake, _client = storage

    def create(_n):
        with httpx.Client(base_url=f"{fake.url}/storage/v1") as c:
            return c.post("/bucket", json={"id": "race", "name": "race"}, headers=_headers("service")).json()

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(create, range(8)))
    assert sum(a == {"name": "race"} for a in answers) == 1
    assert sum(a.get("statusCode") == "409" for a in answers) == 7


def test_a_download_can_be_cut_or_stalled_part_way(storage):
    fake, client = storage
    fake.cut_after = 5000
    with pytest.raises(httpx.HTTPError):
        client.get("/object/B/a/x.bin", headers=_headers("service")).read()
    fake.cut_after, fake.stall_after, fake.stall_seconds = None, 5000, 1.5
    with pytest.raises(httpx.ReadTimeout):
        client.get("/object/B/a/x.bin", headers=_headers("service"), timeout=0.5)


def test_the_python_client_sees_the_recorded_errors(storage):
    """storage3 itself, against the fake: the codes the product reads come through."""
    from storage3 import SyncStorageClient
    from storage3.exceptions import StorageApiError

    fake, _client = storage
    client = SyncStorageClient(f"{fake.url}/storage/v1/", {"apiKey": KEY, "Authorization": f"Bearer {KEY}"})
    assert client.from_("B").remove(["a/nothing.bin"]) == []
    with pytest.raises(StorageApiError) as duplicate:
        client.create_bucket("B")
    assert str(duplicate.value.status) == "409"
