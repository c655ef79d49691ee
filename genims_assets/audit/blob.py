"""Azure Blob Storage for backups and audit archives: one container, checked uploads, clean errors.

Everything the platform keeps outside its databases (database dumps, the audit
chain heads, archived audit partitions) goes through `BlobStore`, so that:

- the credential is read from AZURE_STORAGE_CONNECTION_STRING (a `Secret`) and
  never appears in a message: errors are written here from the SDK's status and
  error code, naming the variable and the fix, never echoing the SDK's text
  (which can carry a SAS token) or the connection string;
- blobs are written once (`overwrite=False`): a backup or archive is never
  replaced in place;
- `verify` reads a blob back and compares size and SHA-256, so "uploaded" always
  means "read back and identical".

A connection string rather than dagster-azure's AzureBlobStorageResource: the
platform's one credential variable is a connection string (account key or SAS,
Azurite's `UseDevelopmentStorage=true` locally), which the resource cannot take.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from azure.core import exceptions as azure_errors
from azure.storage.blob import BlobServiceClient, ContainerClient, LinearRetry

from genims_assets.settings import Secret, Settings

CONNECTION_VARIABLE = "AZURE_STORAGE_CONNECTION_STRING"
CONTAINER_VARIABLE = "BACKUP_AZURE_CONTAINER"
_CHUNK = 4 * 1024 * 1024
_SCRUB = re.compile(r"(AccountKey|SharedAccessSignature|sig|se|sp|sv|st|skoid|sktid)=[^;&\s]+", re.I)


class BlobStoreError(RuntimeError):
    """Blob storage is unreachable, refuses the credential, or holds something unexpected.

    The message names the variable to fix and never contains the credential.
    """


@dataclass(frozen=True)
class StoredBlob:
    name: str
    url: str
    size: int
    last_modified: datetime | None
    metadata: Mapping[str, str]

    @property
    def sha256(self) -> str | None:
        return self.metadata.get("sha256")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class BlobStore:
    """One container of one storage account."""

    def __init__(self, connection_string: Secret, container: str) -> None:
        if not connection_string:
            raise BlobStoreError(
                f"{CONNECTION_VARIABLE} is not set: set it to the storage account's connection string "
                "(Azure portal > Storage account > Access keys, see .env.example); for local runs start Azurite "
                "(. scripts/azurite.sh && azurite_start) and set it to UseDevelopmentStorage=true"
            )
        try:
            # Two retries 2 s apart: a transient error passes, a wrong endpoint is reported in seconds, not a minute.
            service = BlobServiceClient.from_connection_string(
                connection_string.reveal(),
                retry_policy=LinearRetry(backoff=2, random_jitter_range=1, retry_total=2),
                connection_timeout=10,
                read_timeout=120,
            )
        except (ValueError, TypeError):
            raise BlobStoreError(
                f"{CONNECTION_VARIABLE} is malformed: expected 'DefaultEndpointsProtocol=https;AccountName=...;"
                "AccountKey=...;EndpointSuffix=core.windows.net' (or a SAS connection string) as shown in the "
                "Azure portal under Storage account > Access keys"
            ) from None
        self._secret = connection_string
        self.container = container
        self.account_url = service.url.split("?", 1)[0].rstrip("/")
        self._client: ContainerClient = service.get_container_client(container)

    @classmethod
    def from_settings(cls, settings: Settings) -> BlobStore:
        return cls(settings.azure_storage_connection_string, settings.backup_azure_container)

    @property
    def container_url(self) -> str:
        return f"{self.account_url}/{self.container}"

    def url(self, name: str) -> str:
        return f"{self.container_url}/{name}"

    # -- errors ---------------------------------------------------------------------------------
    def _error(self, action: str, error: Exception) -> BlobStoreError:
        where = f"Azure Blob Storage at {self.account_url} (container {self.container})"
        if isinstance(error, azure_errors.ClientAuthenticationError) or getattr(error, "status_code", None) == 403:
            code = getattr(error, "error_code", None) or "AuthorizationFailure"
            return BlobStoreError(
                f"{where} refused the credential in {CONNECTION_VARIABLE} ({code}) while {action}. "
                f"Fix: set {CONNECTION_VARIABLE} to the account's current connection string (Azure portal > "
                "Storage account > Access keys) or a SAS with read, write, list and delete rights"
            )
        if isinstance(error, azure_errors.ServiceRequestError):
            reason = self._scrub(str(error).splitlines()[0].rsplit(": ", 1)[-1]) if str(error) else "no answer"
            return BlobStoreError(
                f"{where} could not be reached while {action}: {reason}. Fix: check the endpoint and account "
                f"named in {CONNECTION_VARIABLE} and the network; for local runs start Azurite "
                "(. scripts/azurite.sh && azurite_start)"
            )
        if isinstance(error, azure_errors.HttpResponseError):
            code = getattr(error, "error_code", None) or "error"
            return BlobStoreError(f"{where} answered HTTP {error.status_code} ({code}) while {action}")
        return BlobStoreError(f"{where}: {type(error).__name__} while {action}")

    def _scrub(self, text: str) -> str:
        secret = self._secret.reveal()
        if secret and secret in text:
            text = text.replace(secret, "***")
        return _SCRUB.sub(lambda m: f"{m.group(1)}=***", text)

    # -- operations -----------------------------------------------------------------------------
    def ensure_container(self) -> None:
        """Create the container if it is missing; also proves that the credential works."""
        try:
            self._client.create_container()
        except azure_errors.ResourceExistsError:
            pass
        except azure_errors.AzureError as error:
            raise self._error(f"opening container {self.container}", error) from None

    def upload_file(self, path: Path, name: str, metadata: Mapping[str, str]) -> StoredBlob:
        """Upload a file as a new blob (never overwrites); returns what the service stored."""
        with open(path, "rb") as handle:
            return self._upload(name, handle, metadata, length=path.stat().st_size)

    def upload_bytes(self, data: bytes, name: str, metadata: Mapping[str, str]) -> StoredBlob:
        return self._upload(name, data, metadata)

    def _upload(self, name: str, data, metadata: Mapping[str, str], length: int | None = None) -> StoredBlob:
        try:
            self._client.upload_blob(
                name, data, length=length, metadata=dict(metadata), overwrite=False, max_concurrency=2
            )
        except azure_errors.ResourceExistsError:
            raise BlobStoreError(
                f"blob {name} already exists in container {self.container}; nothing was replaced"
            ) from None
        except azure_errors.AzureError as error:
            raise self._error(f"uploading {name}", error) from None
        return self.properties(name)

    def properties(self, name: str) -> StoredBlob:
        try:
            props = self._client.get_blob_client(name).get_blob_properties()
        except azure_errors.ResourceNotFoundError:
            raise BlobStoreError(f"no blob {name} in container {self.container} at {self.account_url}") from None
        except azure_errors.AzureError as error:
            raise self._error(f"reading the properties of {name}", error) from None
        return StoredBlob(name, self.url(name), int(props.size), props.last_modified, dict(props.metadata or {}))

    def chunks(self, name: str) -> Iterator[bytes]:
        """The blob's content, streamed."""
        try:
            downloader = self._client.download_blob(name, max_concurrency=2)
            yield from downloader.chunks()
        except azure_errors.ResourceNotFoundError:
            raise BlobStoreError(f"no blob {name} in container {self.container} at {self.account_url}") from None
        except azure_errors.AzureError as error:
            raise self._error(f"downloading {name}", error) from None

    def download_to(self, name: str, path: Path) -> tuple[int, str]:
        """Download a blob to a file; returns (size, sha256 hex) of what was received."""
        digest, size = hashlib.sha256(), 0
        with open(path, "wb") as handle:
            for chunk in self.chunks(name):
                digest.update(chunk)
                size += len(chunk)
                handle.write(chunk)
        return size, digest.hexdigest()

    def download_bytes(self, name: str) -> bytes:
        return b"".join(self.chunks(name))

    def verify(self, name: str, size: int, sha256: str) -> StoredBlob:
        """Read the blob back: its size and SHA-256 must be `size` and `sha256`, else BlobStoreError."""
        stored = self.properties(name)
        digest, received = hashlib.sha256(), 0
        for chunk in self.chunks(name):
            digest.update(chunk)
            received += len(chunk)
        if stored.size != size or received != size or digest.hexdigest() != sha256:
            raise BlobStoreError(
                f"read-back check of {name} failed: expected {size} bytes with sha256 {sha256}, "
                f"the service holds {stored.size} bytes, read {received} with sha256 {digest.hexdigest()}"
            )
        return stored

    def list(self, prefix: str) -> list[StoredBlob]:
        try:
            return [
                StoredBlob(b.name, self.url(b.name), int(b.size), b.last_modified, dict(b.metadata or {}))
                for b in self._client.list_blobs(name_starts_with=prefix, include=["metadata"])
            ]
        except azure_errors.ResourceNotFoundError:
            return []
        except azure_errors.AzureError as error:
            raise self._error(f"listing {prefix or 'the container'}", error) from None

    def delete(self, name: str) -> None:
        try:
            self._client.delete_blob(name)
        except azure_errors.ResourceNotFoundError:
            pass
        except azure_errors.AzureError as error:
            raise self._error(f"deleting {name}", error) from None

    def name_from_location(self, location: str) -> str:
        """The blob name of `location`: a blob name, or a URL of a blob in this container."""
        if "://" not in location:
            return location.lstrip("/")
        prefix = self.container_url + "/"
        if not location.startswith(prefix):
            raise BlobStoreError(
                f"{location} is not in container {self.container} at {self.account_url}: pass a blob name as shown "
                f"by `genims backup list`, or fix {CONTAINER_VARIABLE}/{CONNECTION_VARIABLE}"
            )
        return unquote(urlsplit(location).path)[len(urlsplit(prefix).path) :]
