"""The pre-session check of camera, microphone, speakers, network and browser."""
