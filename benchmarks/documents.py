"""Deal-room documents: what the content check and the checksum cost per upload.

Sniffs and hashes files of the rulebook's default limit (20 MB) and a few sizes below, as Django
hands them to the service (in memory up to 2.5 MB, a temporary file above), and prints the time
per file (median and p95 of 15 runs) and the throughput. No database is needed.
"""

import os
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster_platform.settings.local")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile  # noqa: E402

from apps.dealroom import files  # noqa: E402

MB = 1024 * 1024
RUNS = 15


def pdf(size: int) -> bytes:
    return b"%PDF-1.7\n" + os.urandom(size - 9)


def xlsx(size: int) -> bytes:
    path = Path(tempfile.mkstemp(suffix=".xlsx")[1])
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/media/image1.bin", os.urandom(size))
    data = path.read_bytes()
    path.unlink()
    return data


def as_upload(data: bytes, name: str):
    if len(data) <= 2.5 * MB:
        return SimpleUploadedFile(name, data)
    upload = TemporaryUploadedFile(name, "application/octet-stream", len(data), None)
    upload.write(data)
    upload.seek(0)
    return upload


def measure(label: str, data: bytes, name: str, kind: str) -> None:
    upload = as_upload(data, name)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        files.check_content(file=upload, name=name, kind=kind)
        files.sha256_of(upload)
        timings.append(time.perf_counter() - started)
    timings.sort()
    median, p95 = statistics.median(timings), timings[int(0.95 * (len(timings) - 1))]
    print(
        f"  {label:<28} {len(data) / MB:6.1f} MB   median {median * 1000:7.1f} ms   "
        f"p95 {p95 * 1000:7.1f} ms   {len(data) / MB / median:7.0f} MB/s"
    )


def main() -> None:
    print(f"Deal-room documents: content check + SHA-256 per file ({RUNS} runs)")
    for size in (1 * MB, 5 * MB, 20 * MB):
        measure(f"PDF {size // MB} MB", pdf(size), "report.pdf", "inspection_report")
    measure("XLSX (ZIP container) 20 MB", xlsx(20 * MB), "specification.xlsx", "specification")


if __name__ == "__main__":
    main()
