"""The demo force, Midshire Police: `flask demo load` fills an empty database with a realistic force."""
