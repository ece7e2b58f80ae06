"""The clients: the only part of the library that sends requests, sleeps and closes connections."""
