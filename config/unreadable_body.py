"""A request whose body stops arriving is answered 408, not 500 with a traceback.

gunicorn gives up on a client that sends nothing for WEB_CLIENT_TIMEOUT seconds
(config/gunicorn.conf.py), and reading the body then fails with UnreadablePostError, as it does
when a client disconnects halfway through its body. The client is at fault and is stalled or gone:
a short answer, and a warning from Django's request log rather than an error.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, UnreadablePostError


class UnreadableBodyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, UnreadablePostError):
            return HttpResponse(status=408)
        return None
