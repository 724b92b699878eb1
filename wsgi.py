"""WSGI entry point: gunicorn wsgi:app"""

from drafting import create_app

app = create_app(warm=True)
