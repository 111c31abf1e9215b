"""What governance announces to the apps above it, which it does not import.

``rulebook_enacted(sender=RuleVersion, version=<RuleVersion>)``: a passed rule or charter change
became a version of the cluster's rulebook (sent inside the enacting transaction; a receiver
that starts work enqueues it through the outbox, so nothing runs unless the enactment commits).
Matching connects to it to score the open proposals under the new rules.
"""

from django.dispatch import Signal

rulebook_enacted = Signal()
