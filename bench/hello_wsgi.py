"""The first rung of the ladder: the cheapest WSGI answer gunicorn can serve."""


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "11")])
    return [b'{"ok":true}']
