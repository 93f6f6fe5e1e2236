"""A test client that behaves like the PWA: it fetches and sends the CSRF token."""


class ApiClient:
    def __init__(self, client):
        self.client = client
        self.csrf = None
        self.user = None

    def token(self):
        if self.csrf is None:
            self.csrf = self.client.get("/api/v1/auth/session").get_json()["csrf_token"]
        return self.csrf

    def _remember(self, response):
        body = response.get_json(silent=True)
        if isinstance(body, dict) and "csrf_token" in body:
            self.csrf = body["csrf_token"]
        return response

    def get(self, path, **kwargs):
        return self.client.get(path, **kwargs)

    def _unsafe(self, method, path, csrf=True, **kwargs):
        headers = dict(kwargs.pop("headers", {}) or {})
        if csrf:
            headers.setdefault("X-CSRF-Token", self.token())
        response = getattr(self.client, method)(path, headers=headers, **kwargs)
        if path.endswith(("/auth/logout", "/me/password")) and response.status_code == 204:
            self.csrf = None  # replaced on the server: fetched again, as the PWA does
        return self._remember(response)

    def post(self, path, **kwargs):
        return self._unsafe("post", path, **kwargs)

    def patch(self, path, **kwargs):
        return self._unsafe("patch", path, **kwargs)

    def put(self, path, **kwargs):
        return self._unsafe("put", path, **kwargs)

    def delete(self, path, **kwargs):
        return self._unsafe("delete", path, **kwargs)
