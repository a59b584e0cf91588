"""Personal data: what the privacy notice tells people, and storage limitation."""
