"""Locust load scenarios for the service, and the runner that starts the stack and judges a run.

`python -m load_tests` (nox -s load) runs them; `python -m load_tests.browser` (nox -s browser)
checks the web pages in headless Chromium. The locustfile is imported by Locust processes only.
"""
