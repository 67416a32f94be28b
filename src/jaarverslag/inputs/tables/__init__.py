"""TODO inputs.tables."""
