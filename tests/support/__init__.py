"""What the tests share: fakes, a way to run the CLI in-process, files, and readers of the
timeline and of audio files. Fixtures stay in conftest.py; everything else is imported from here."""
