"""Staff accounts: phone-line agents, desk staff and managers."""
