"""Writes of governance, one module per concern: ``council`` (seats), ``proposals`` (draft to the
vote, comments), ``petitions``, ``voting`` (ballots, tally, enactment) and ``rules`` (the rulebook)."""
