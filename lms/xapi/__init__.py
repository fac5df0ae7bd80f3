"""xAPI: learning events as statements, queued in the database and sent to the force's learning record store."""
