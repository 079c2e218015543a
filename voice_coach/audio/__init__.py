"""Timeline plus cues into sound: PCM blocks, and files (WAV, MP3 with tags and chapters)."""
