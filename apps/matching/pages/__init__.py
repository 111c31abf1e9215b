"""Pages of matching: the administrators' matching runs (``runs``)."""
