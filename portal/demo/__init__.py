"""Demonstration data for development: centres, desks, subjects, slots, codes."""
