"""Public media from MEDIA_ROOT when there is no object storage (one machine).

Without S3 nothing else serves ``/media/`` once ``DEBUG`` is off. ``serve``
answers only the public folders (``core.storage.PUBLIC_PREFIXES``: original
images and renditions), with ``Cache-Control``, an ETag and Last-Modified
(304 on a conditional GET) and single byte ranges (206, 416). Documents are
never served here: Wagtail's serve view checks the reader's rights first.
Paths that leave MEDIA_ROOT (``..``, encoded, absolute, symlinks) are 404s.
Behind Varnish or a CDN the files are then cached at the edge.

``StorageUnavailableMiddleware`` answers a storage failure that slipped past
the upload forms' check with a message, not a 500.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.shortcuts import redirect
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.views.decorators.cache import never_cache
from wagtail.documents.views.serve import serve as wagtail_serve_document

from core.storage import PUBLIC_PREFIXES, UNAVAILABLE_MESSAGE, StorageUnavailable

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _public_file(path: str) -> Path:
    """The file under MEDIA_ROOT that ``path`` names, if it is public media."""
    if "\x00" in path or "\\" in path or not path.startswith(PUBLIC_PREFIXES):
        raise Http404
    root = Path(settings.MEDIA_ROOT).resolve()
    try:
        target = (root / path).resolve(strict=True)
    except (OSError, RuntimeError, ValueError) as error:
        raise Http404 from error
    public = [root / prefix for prefix in PUBLIC_PREFIXES]
    if not target.is_file() or not any(target.is_relative_to(p) for p in public):
        raise Http404
    return target


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) of a single ``bytes=`` range; None to send the whole file.

    Raises ValueError when the range cannot be satisfied (416).
    """
    match = _RANGE.match(header.strip())
    if match is None:
        return None  # several ranges or another unit: the whole file (RFC 9110)
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        suffix = int(last)
        if suffix == 0:
            raise ValueError("empty suffix range")
        return max(size - suffix, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        raise ValueError("range outside the file")
    return start, end


def serve(request, path: str):
    """One public media file, cacheable, with conditional GET and Range."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if settings.S3_STORAGE:
        raise Http404  # media live in the bucket, at MEDIA_URL
    target = _public_file(path)
    stat = target.stat()
    etag = quote_etag(f"{stat.st_size:x}-{stat.st_mtime_ns:x}")
    last_modified = int(stat.st_mtime)
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=last_modified
    )
    if not_modified is not None:
        return _cacheable(not_modified, etag, last_modified)
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    wanted = request.headers.get("Range", "")
    if request.headers.get("If-Range", etag) != etag:
        wanted = ""
    try:
        span = _byte_range(wanted, stat.st_size) if wanted else None
    except ValueError:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{stat.st_size}"
        return response
    if span is None:
        response = FileResponse(target.open("rb"), content_type=content_type)
    else:
        first, last = span
        with target.open("rb") as file:
            file.seek(first)
            body = file.read(last - first + 1)
        response = HttpResponse(body, status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {first}-{last}/{stat.st_size}"
    response["Accept-Ranges"] = "bytes"
    return _cacheable(response, etag, last_modified)


def _cacheable(response, etag: str, last_modified: int):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=settings.MEDIA_CACHE_SECONDS)
    return response


# A document's answer (the file, or a redirect to a signed URL that expires)
# depends on who asks: no shared cache may keep it.
serve_document = never_cache(wagtail_serve_document)


class StorageUnavailableMiddleware:
    """A storage failure during a request is a message and a 503, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, StorageUnavailable):
            return None
        message = str(UNAVAILABLE_MESSAGE)
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            return JsonResponse(
                {"success": False, "error_message": message}, status=503
            )
        if request.method == "POST" and hasattr(request, "_messages"):
            messages.error(request, message)
            return redirect(request.get_full_path())
        return HttpResponse(message, status=503, content_type="text/plain")
