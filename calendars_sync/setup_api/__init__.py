"""The OnSched-shaped set-up API (`/setup/v1`, `POST /connect/token`); docs/onsched.md."""
