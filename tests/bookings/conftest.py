"""Fixtures for every bookings test."""

from tests.bookings.classes import resource  # noqa: F401  (a fixture)
