"""Citizens' signed-in sessions, kept on the server so they can be ended there."""
