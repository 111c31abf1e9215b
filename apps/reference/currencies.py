"""The currencies a price may be given in: ISO 4217 codes, stored and shown as the code in every language.

Defined here, at the bottom of the apps, so that every app with a price (marketplace, parks,
innovation) offers the same list and refuses the same codes.
"""

CURRENCIES = [("CNY", "CNY"), ("USD", "USD"), ("EUR", "EUR"), ("HKD", "HKD"), ("JPY", "JPY")]
DEFAULT_CURRENCY = "CNY"
