"""`sightsync-admin`: operators' commands, each a request on the bus."""
