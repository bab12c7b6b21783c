"""Pure functions from registry rows and domain objects to R4B resources, one module each.

They read only what they are given (no queries): the selectors load the rows, the views call
the mappers and render. Every resource is built through the R4B models, so what the API
returns is validated by construction.
"""
