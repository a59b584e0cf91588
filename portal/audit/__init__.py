"""Who viewed, downloaded or changed personal data, and when."""
