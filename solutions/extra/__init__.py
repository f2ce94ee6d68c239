"""Zoo models that are not a chapter's exercise (no stub in exercises/): trained here on the digits."""
