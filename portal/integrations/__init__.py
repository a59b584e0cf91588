"""Integration clients (the phone line's own systems) and the tokens they are given."""
