"""Login, roles, care relationships and the access log (issue 4 builds it out)."""
