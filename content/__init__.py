"""The built-in programme (YAML). In the installed package this folder is `voice_coach.programme`
(see pyproject.toml), found with importlib.resources; this file only makes it a package."""
