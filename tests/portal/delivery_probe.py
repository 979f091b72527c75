"""A task for the broker load test only: each run appends its number to a file, so the test counts
what the worker really did (one line per run, duplicates visible), not what it logged."""

from __future__ import annotations

import os

from celery import shared_task


@shared_task(name="tests.record_delivery")
def record_delivery(number: int, path: str) -> None:
    # O_APPEND: one short write per run lands whole, whoever else appends to the file.
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, f"{number}\n".encode())
    finally:
        os.close(descriptor)
