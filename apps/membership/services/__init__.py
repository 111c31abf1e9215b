"""Writes of the membership domain, one module per aggregate."""
