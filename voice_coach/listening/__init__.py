"""Listening from the floor: the microphone, read offline and never stored."""
