"""Teams meetings for confirmed bookings: one per booking, created, moved and deleted
through a provider (Microsoft Graph in production, a local placeholder in development)."""
