"""Security mechanisms kept in one place: headers, access control, audit, sign-in."""
