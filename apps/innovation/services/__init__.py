"""Writes of innovation (one module per concern), each in one transaction."""
