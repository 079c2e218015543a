"""What voice-coach keeps for the user: settings, the session log, recommendations, charts."""
