"""voice-coach: hands-free, voice-guided home exercise sessions."""

import os as _os

# numpy's OpenBLAS starts a worker per core, and its workers spin between calls: the keyword
# classifier calls it every 100 ms, so while listening a whole core stayed busy (measured:
# `listen-test` 100% of a core, 9% with one worker), taken from the voice and the player. Set
# here, before anything loads numpy; a value the person set is kept.
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
