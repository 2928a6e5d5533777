from aiohttp import web


def add_routes(app: web.Application) -> None:
    """Registers the /api/v1 calls routes."""
