"""TODO inputs."""
