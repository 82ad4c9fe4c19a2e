"""Answer the machines inside Cloud Run before Django checks the Host header or redirects to HTTPS.

Two callers never come through the storefront's address:

* Cloud Run's startup and liveness probes call `/healthz` over plain HTTP from Google's network, with a Host
  header that names the instance (an internal address and port), not a host in ALLOWED_HOSTS. The uptime check
  and the deploy's smoke test call `/readyz`; they come through the front end, but nothing about the answer
  depends on the host either.
* The Managed Service for Prometheus sidecar scrapes `http://0.0.0.0:8080/metrics` from its own container in the
  same instance: Host `0.0.0.0:8080`, no `X-Forwarded-Proto`, so production's host check answers 400 and its HTTPS
  redirect 301.

`/healthz` and `/readyz` are safe for any caller on any host: their JSON says only whether the process and the
database are up, builds no URL from the host and sets no cookie. So they are answered here for everyone.

`/metrics` is answered here only when the request comes from inside the instance: a loopback peer address, and
none of the headers Google's front end adds to every request it forwards (`X-Forwarded-For`, `X-Forwarded-Proto`,
`Forwarded`, `X-Cloud-Trace-Context`). Containers of one Cloud Run instance share its network namespace, so the
sidecar connects from 127.0.0.1; a request through the service's URL arrives from the front end (a link-local
address such as 169.254.1.1) and always carries those headers, which the client cannot remove. Any other
`/metrics` request takes the normal path: host check, HTTPS redirect, then `analytics.views.metrics_view`, which
answers only a holder of METRICS_TOKEN and gives everyone else a 404. The public internet therefore cannot read the
metrics through the run.app URL or the domain unless it holds the token.

Placement: right after the request-log and request-metrics middleware, before SecurityMiddleware. Those two refuse
nothing, and keeping them outside means a probe still gets its request line (with trace) and its counts, labelled
with its route: Cloud Run's own request log leaves probes out, so a failing or slow `/readyz` would otherwise show
nowhere. That is about six lines a minute per instance (liveness every 15 s, a scrape every 30 s), and the log sink
to BigQuery drops the successful ones (deploy/terraform/modules/platform/logs.tf).
"""

import ipaddress

from django.urls import resolve

PROBE_PATHS = frozenset({"/healthz", "/readyz"})
METRICS_PATH = "/metrics"
# Google's front end adds these to every request it forwards to a Cloud Run instance.
FRONT_END_HEADERS = ("X-Forwarded-For", "X-Forwarded-Proto", "Forwarded", "X-Cloud-Trace-Context")


def from_inside_the_instance(request) -> bool:
    """A loopback peer that did not come through Google's front end: a container of this same instance."""
    try:
        loopback = ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False
    return loopback and not any(header in request.headers for header in FRONT_END_HEADERS)


class ProbeMiddleware:
    """Serve the health probes (any caller) and the in-instance metrics scrape without host or HTTPS checks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path in PROBE_PATHS or (path == METRICS_PATH and from_inside_the_instance(request)):
            return self.answer(request)
        return self.get_response(request)

    @staticmethod
    def answer(request):
        # The view comes from the URLconf, as it would for any request, and the match labels the request log line
        # and the metrics with the route ("/healthz") instead of "(unresolved)".
        match = resolve(request.path_info)
        request.resolver_match = match
        response = match.func(request, *match.args, **match.kwargs)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
