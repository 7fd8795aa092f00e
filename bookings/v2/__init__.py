"""The Timekit-shaped /v2 API (api.timekit.io/v2): Basic auth with the API key, `{"data": ...}`
bodies, Timekit's error shape, CORS for booking.js. See docs in bookings/v2/views.py."""
