"""Reads of the bookings app: `scheduling_requests` (real-time scheduling links) and `timekit`
(resources, projects, bookings of the /v2 side). Each `access_*` answers NotFound for a missing
object and for another application's alike."""
