"""`voice-coach share`: the routines served read-only on the home network."""
