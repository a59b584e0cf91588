"""Holding, confirming, moving and cancelling a seat in a slot."""
