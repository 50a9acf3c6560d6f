"""Widgets of the war room, one per module."""
