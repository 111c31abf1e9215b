"""Collaborative innovation: technical challenges and confidential solutions, experts and institutions, the shared knowledge library and the search over it."""
