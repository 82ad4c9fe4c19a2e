"""Uploaded files: public media gets plain URLs, private files get signed URLs (GCS) or none at all (local disk).

The bucket tests talk to a real GCS emulator (gcp-storage-emulator, in memory, in this process) through the same
django-storages backend and options production uses; only the credentials are a throwaway service-account key.
"""

import base64
import binascii
import hashlib
import json
import os
import socket
import subprocess
import sys
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, StorageHandler
from gcp_storage_emulator.server import create_server
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage as gcs
from google.oauth2 import credentials as oauth2_credentials
from google.oauth2 import service_account

from lagiftart.storage import PrivateFileSystemStorage, file_storages

BASE_DIR = Path(__file__).resolve().parents[2]
MEDIA_BUCKET = "lagiftart-media-test"
PRIVATE_BUCKET = "lagiftart-exports-test"
SERVICE_ACCOUNT = "lagiftart-web@lagiftart-test.iam.gserviceaccount.com"
ALEBRIJE = b"Alebrije from Oaxaca, carved copal wood\n"
EXPORT = b'{"subject": "ana@example.com", "orders": []}\n'


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def emulator():
    """An in-memory GCS emulator with the two buckets; google-cloud-storage finds it via STORAGE_EMULATOR_HOST."""
    port = free_port()
    server = create_server("127.0.0.1", port, in_memory=True)
    server.start()
    host = f"http://127.0.0.1:{port}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STORAGE_EMULATOR_HOST", host)
        client = gcs.Client(project="lagiftart-test", credentials=AnonymousCredentials())
        for bucket in (MEDIA_BUCKET, PRIVATE_BUCKET):
            client.create_bucket(bucket)
        yield host
    server.stop()


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def service_account_credentials(signing_key):
    """Credentials built from a key file's info dict, as GOOGLE_APPLICATION_CREDENTIALS would give outside Cloud Run.

    The scopes and a token (that never expires) are set up front, so the storage client uses these very credentials
    and never calls an OAuth endpoint; the emulator accepts any bearer token.
    """
    pem = signing_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "lagiftart-test",
        "private_key_id": "throwaway-test-key",
        "private_key": pem,
        "client_email": SERVICE_ACCOUNT,
        "client_id": "1",
        # Unreachable on purpose: a token refresh would be a bug in this test, so it must fail fast.
        "token_uri": "http://127.0.0.1:9/token",
    }
    credentials = service_account.Credentials.from_service_account_info(info, scopes=gcs.Client.SCOPE)
    credentials.token = "emulator-accepts-any-token"
    return credentials


def bucket_storages(tmp_path: Path, *, private_credentials, **options) -> StorageHandler:
    """The storages settings.py builds when both buckets are named, instantiated the way Django does."""
    config = file_storages(
        media_bucket=MEDIA_BUCKET,
        private_bucket=PRIVATE_BUCKET,
        media_root=tmp_path / "media",
        media_url="/media/",
        private_media_root=tmp_path / "private-media",
        signed_url_expiry=settings.GS_SIGNED_URL_EXPIRY,
        **options,
    )
    config["private"]["OPTIONS"]["credentials"] = private_credentials
    return StorageHandler(config)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (the emulator, over http)
        return response.read()


def assert_v4_signature_valid(url: str, public_key: rsa.RSAPublicKey) -> dict[str, str]:
    """Rebuild the V4 string-to-sign from the URL as GCS does and check the signature with the key's public half."""
    parts = urlsplit(url)
    signed_query, signature_hex = parts.query.rsplit("&X-Goog-Signature=", 1)
    query = {key: values[0] for key, values in parse_qs(signed_query).items()}
    assert query["X-Goog-Algorithm"] == "GOOG4-RSA-SHA256"
    assert query["X-Goog-SignedHeaders"] == "host"
    canonical_request = "\n".join(
        ["GET", parts.path, signed_query, f"host:{parts.netloc}\n", "host", "UNSIGNED-PAYLOAD"]
    )
    scope = query["X-Goog-Credential"].split("/", 1)[1]
    string_to_sign = "\n".join(
        [
            "GOOG4-RSA-SHA256",
            query["X-Goog-Date"],
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    try:
        public_key.verify(
            binascii.unhexlify(signature_hex), string_to_sign.encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    except InvalidSignature:
        pytest.fail(f"the signed URL's signature does not verify: {url}")
    return query


def test_public_media_round_trips_through_the_bucket_with_a_plain_url(emulator, tmp_path):
    public = bucket_storages(tmp_path, private_credentials=None)["default"]

    name = public.save("gifts/alebrije.txt", ContentFile(ALEBRIJE))
    with public.open(name) as stored:
        assert stored.read() == ALEBRIJE

    url = public.url(name)
    assert url == f"{emulator}/{MEDIA_BUCKET}/{name}"
    assert not urlsplit(url).query, "public media must be cacheable: no signature in its URL"
    assert fetch(url) == ALEBRIJE


def test_public_media_never_overwrites_an_earlier_upload(emulator, tmp_path):
    public = bucket_storages(tmp_path, private_credentials=None)["default"]

    first = public.save("gifts/portrait.txt", ContentFile(b"first"))
    second = public.save("gifts/portrait.txt", ContentFile(b"second"))

    assert first != second
    assert fetch(public.url(first)) == b"first"
    assert fetch(public.url(second)) == b"second"


def test_private_file_gets_a_v4_url_signed_by_the_service_account_for_the_configured_expiry(
    emulator, tmp_path, service_account_credentials, signing_key
):
    private = bucket_storages(tmp_path, private_credentials=service_account_credentials)["private"]

    name = private.save("exports/subject-42.json", ContentFile(EXPORT))
    url = private.url(name)

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == emulator
    assert parts.path == f"/{PRIVATE_BUCKET}/{name}"
    query = assert_v4_signature_valid(url, signing_key.public_key())
    assert query["X-Goog-Credential"].startswith(f"{SERVICE_ACCOUNT}/")
    assert query["X-Goog-Expires"] == str(int(settings.GS_SIGNED_URL_EXPIRY.total_seconds()))
    assert fetch(url) == EXPORT


def test_private_url_on_cloud_run_is_signed_through_iam_sign_blob_as_the_configured_account(
    emulator, tmp_path, signing_key, monkeypatch
):
    """Cloud Run's credentials carry only an access token; IAM signs with the service account's key instead."""
    sign_blob_calls = []

    def iam_sign_blob(message, access_token, service_account_email, universe_domain="googleapis.com"):
        sign_blob_calls.append((access_token, service_account_email))
        signature = signing_key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode()

    monkeypatch.setattr("google.cloud.storage._signing._sign_message", iam_sign_blob)
    cloud_run_credentials = oauth2_credentials.Credentials(token="metadata-server-token")
    private = bucket_storages(
        tmp_path, private_credentials=cloud_run_credentials, iam_sign_blob=True, sa_email=SERVICE_ACCOUNT
    )["private"]

    name = private.save("exports/subject-7.json", ContentFile(EXPORT))
    url = private.url(name)

    assert sign_blob_calls == [("metadata-server-token", SERVICE_ACCOUNT)]
    query = assert_v4_signature_valid(url, signing_key.public_key())
    assert query["X-Goog-Credential"].startswith(f"{SERVICE_ACCOUNT}/")
    assert fetch(url) == EXPORT


def test_without_buckets_public_files_live_on_disk_under_media_url(tmp_path):
    local = StorageHandler(
        file_storages(
            media_bucket="",
            private_bucket="",
            media_root=tmp_path / "media",
            media_url="/media/",
            private_media_root=tmp_path / "private-media",
            signed_url_expiry=timedelta(minutes=15),
        )
    )
    public = local["default"]

    name = public.save("gifts/alebrije.txt", ContentFile(ALEBRIJE))

    assert isinstance(public, FileSystemStorage)
    assert public.url(name) == "/media/gifts/alebrije.txt"
    assert (tmp_path / "media" / "gifts" / "alebrije.txt").read_bytes() == ALEBRIJE


def test_without_buckets_private_files_stay_on_disk_and_have_no_url(tmp_path):
    """Plain FileSystemStorage would fall back to MEDIA_URL and publish /media/… links to private files."""
    local = StorageHandler(
        file_storages(
            media_bucket="",
            private_bucket="",
            media_root=tmp_path / "media",
            media_url="/media/",
            private_media_root=tmp_path / "private-media",
            signed_url_expiry=timedelta(minutes=15),
        )
    )
    private = local["private"]

    name = private.save("exports/subject-42.json", ContentFile(EXPORT))

    assert isinstance(private, PrivateFileSystemStorage)
    with private.open(name) as stored:
        assert stored.read() == EXPORT
    assert not (tmp_path / "media").exists()
    with pytest.raises(ValueError, match="not accessible via a URL"):
        private.url(name)


def test_test_settings_keep_files_on_local_disk():
    from django.core.files.storage import storages

    assert type(storages["default"]) is FileSystemStorage
    assert type(storages["private"]) is PrivateFileSystemStorage


def test_settings_select_the_buckets_named_in_the_environment():
    """settings.py feeds the GS_* variables to file_storages(); checked in a fresh process with production env."""
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "lagiftart.settings",
        "DJANGO_READ_DOT_ENV": "false",
        "DJANGO_ENV": "production",
        "SECRET_KEY": "s" * 60,
        "ALLOWED_HOSTS": "lagiftart.example",
        "GS_MEDIA_BUCKET": "lagiftart-media-prod",
        "GS_PRIVATE_BUCKET": "lagiftart-exports-prod",
        "GS_SIGNED_URL_EXPIRY_SECONDS": "300",
        "GS_IAM_SIGN_BLOB": "true",
        "GS_SA_EMAIL": SERVICE_ACCOUNT,
    }
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps({k: settings.STORAGES[k] for k in ('default', 'private')}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    storages = json.loads(result.stdout.strip().splitlines()[-1])

    assert storages["default"] == {
        "BACKEND": "storages.backends.gcloud.GoogleCloudStorage",
        "OPTIONS": {"bucket_name": "lagiftart-media-prod", "querystring_auth": False, "file_overwrite": False},
    }
    assert storages["private"] == {
        "BACKEND": "storages.backends.gcloud.GoogleCloudStorage",
        "OPTIONS": {
            "bucket_name": "lagiftart-exports-prod",
            "querystring_auth": True,
            "expiration": str(timedelta(seconds=300)),
            "file_overwrite": False,
            "iam_sign_blob": True,
            "sa_email": SERVICE_ACCOUNT,
        },
    }
