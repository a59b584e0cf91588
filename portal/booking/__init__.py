"""Bookings: a seat in a slot for one referral, and every change of it (transitions)."""
