"""The library's core: everything that decides, builds and parses, and nothing that sends or sleeps.

Resources and credentials, endpoint rules, the operation description shared by the sync and async clients,
the retry policy, response parsing and error mapping live here. I/O happens only in ``customvision_rest.clients``.
"""
