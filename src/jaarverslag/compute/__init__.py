"""Computations that turn validated data frames into format-neutral tables."""
