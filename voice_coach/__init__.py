"""voice-coach: hands-free, voice-guided home exercise sessions."""

__version__ = "0.1.0"
