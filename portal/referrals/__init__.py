"""Reference codes issued by the phone line, and signing in with them."""
