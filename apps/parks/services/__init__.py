"""Writes of parks: resources (``resources``), bookings (``bookings``), visits and auditors (``verification``)."""
