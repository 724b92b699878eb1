"""The HTTP edge that the API (drafting.api) and the browser pages (drafting.web) both stand on; neither of those
imports the other.

  security   browser sessions (Flask-Login, kept in the store), CSRF tokens (Flask-WTF), security headers, rate
             limits on guessing secrets, download names
  problems   every error as application/problem+json (RFC 9457), typed by drafting.errors.PROBLEM_TYPES
  bodies     request bodies and media types: size limits, JSON and text checks, uploads, id converters, entity tags,
             content negotiation, draining refused bodies so that keep-alive holds
  budget     heavy-work admission for requests (a heavy slot before an upload is read) and the 503 busy answer
  context    the application's store, for views
"""
