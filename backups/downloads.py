"""A stored backup as an HTTP download (for the API and the admin): verified against its
checksum first, decrypted on the way out when it is encrypted, the temporary copy removed after."""

import os

from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from backups import services
from backups.pipeline import stored_chunks


class _StreamingFile:
    """Iterates the verified copy (decrypted when encrypted) and removes it when done."""

    def __init__(self, path, secret):
        self.path, self.secret = path, secret
        self.file = open(path, "rb")

    def __iter__(self):
        yield from stored_chunks(self.file, secret=self.secret)

    def close(self):
        self.file.close()
        os.unlink(self.path)


def backup_download_response(*, record_id: int) -> StreamingHttpResponse:
    record, path = services.backup_fetch_verified(record_id=record_id)
    body = _StreamingFile(path, settings.BACKUP_ENCRYPTION_KEY if record.cifrado else None)
    response = StreamingHttpResponse(body, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, record.file_name)
    if not record.cifrado:
        response["Content-Length"] = str(record.file_size)
    return response
