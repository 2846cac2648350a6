"""The member's data export: GET /api/user/me/export and the profile's download button."""
