"""Where uploaded files live: local disk on a developer machine, Google Cloud Storage buckets in production.

Settings call `file_storages()` so the choice of backend for each environment is one plain function that tests can
call with any combination of buckets, instead of a branch buried in the settings module.
"""

from datetime import timedelta
from pathlib import Path

from django.core.files.storage import FileSystemStorage

GCS_BACKEND = "storages.backends.gcloud.GoogleCloudStorage"


class PrivateFileSystemStorage(FileSystemStorage):
    """Local stand-in for the private bucket: files on disk that have no URL at all.

    Django's FileSystemStorage treats `base_url=None` as "use MEDIA_URL", which would hand out /media/… links to
    files that must only reach their owner. Here `url()` raises ValueError instead, so a view has to check access
    and stream the file (or, in production, redirect to a signed URL).
    """

    @property
    def base_url(self) -> None:
        return None


def file_storages(
    *,
    media_bucket: str,
    private_bucket: str,
    media_root: Path,
    media_url: str,
    private_media_root: Path,
    signed_url_expiry: timedelta,
    iam_sign_blob: bool = False,
    sa_email: str | None = None,
) -> dict[str, dict]:
    """The STORAGES entries "default" (public media, plain URLs) and "private" (owner-only files, signed URLs).

    A named bucket selects Google Cloud Storage for that entry; an empty name keeps the files on local disk.
    `iam_sign_blob` makes the private bucket sign URLs through the IAM signBlob API as `sa_email`, because Cloud
    Run's credentials hold no private key to sign with.
    """
    public = (
        {
            "BACKEND": GCS_BACKEND,
            "OPTIONS": {"bucket_name": media_bucket, "querystring_auth": False, "file_overwrite": False},
        }
        if media_bucket
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media_root, "base_url": media_url},
        }
    )
    private = (
        {
            "BACKEND": GCS_BACKEND,
            "OPTIONS": {
                "bucket_name": private_bucket,
                "querystring_auth": True,
                "expiration": signed_url_expiry,
                "file_overwrite": False,
                "iam_sign_blob": iam_sign_blob,
                "sa_email": sa_email,
            },
        }
        if private_bucket
        else {
            "BACKEND": "lagiftart.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": private_media_root},
        }
    )
    return {"default": public, "private": private}
