"""Test settings: the regular settings plus what only tests need."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("DEBUG", "false")

from config.settings import *  # noqa: F403
from config.settings import Q_CLUSTER

# django_q.conf.Conf reads settings at import time, so sync mode must live here (see toolchain.md).
Q_CLUSTER["sync"] = True
# Tests deliver callbacks to receivers on 127.0.0.1 only (docs/callbacks.md, the network guard).
CALLBACK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
# Serve static files through the finders: tests never run collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The live server (one per test session) answers each request in a thread of its own: with
# persistent connections every keep-alive client held a database connection, and the fifty
# visitors of the HTTP race tests outgrew PostgreSQL's max_connections. Tests close them after
# every request.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
