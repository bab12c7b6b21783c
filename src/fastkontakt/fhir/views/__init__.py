"""The API's operations, one module per resource or operation; :mod:`.api` mounts them."""
