"""TODO inputs.config."""
