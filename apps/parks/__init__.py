"""A physical park's shared resources, their bookings, and on-site verification of member enterprises."""
