"""The person's own pages under /invanare/: my contacts, my letters, ask and choose, relatives
acting for me, and who has read about me (issue 16, ADR 0025).

An interface like ``web``, with a few tables of its own (citizen sessions, relatives' rights,
the physician named in a choice, units' opening hours); its writes of registry data go
through the registry's and the letters' services.
"""
