"""Sign-in and sign-out for staff (password) and citizens and relatives (MitID, demo)."""
