"""Receivers that turn a new statistics release into an exchange event."""
