"""The deal room: a match's and its deal's conversation, negotiated offers, requests for quotation, documents and disputes."""
