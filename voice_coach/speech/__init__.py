"""Text to speech: engines, the choice between them, the words they are given, and the cue cache.

Knows nothing of exercises: it turns sentences into exact, cached PCM.
"""
