"""The pilot's figures: is the remote channel faster than the 9-day national wait?"""
