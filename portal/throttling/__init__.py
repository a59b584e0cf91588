"""Counting failed sign-ins to stop reference-code guessing.

Two stores behind one interface: the database (default; shared by every
worker that shares the database) and Redis when ``RATELIMIT_REDIS_URL`` is set.
Keys are hashed so the table never holds a code or address in clear.
"""
