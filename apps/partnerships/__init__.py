"""Partnerships between clusters, passed by both councils, and what they share."""
