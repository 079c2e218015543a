"""The programme as content: YAML read with line numbers, checked, and turned into the model."""
