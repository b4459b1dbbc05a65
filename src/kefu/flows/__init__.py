"""Guided self-service flows: definitions declared as data, their schema, slots, and the engine."""
