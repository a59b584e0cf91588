"""Documents a person sends before the session: checklist, checks, storage, purge."""
