"""What every web page of My Say shares, whoever it is for.

- `site`: the aiohttp application with the security headers, CSRF checks and static files,
  and `mount` to add one channel's pages under a prefix.
- `templates`: a Jinja2 environment per channel over the common base template; `render`.
- `headers`: the security headers every response carries.
- `csrf`: a token for every form, checked on every unsafe request.
- `cookies`: random tokens whose hash alone is stored, and cookies with safe flags.
- `ratelimit`: a per-key limit on attempts (sign-in links, PINs).

See /work/guide/WEB_SHARED.md (or this package's modules) for how to use each.
"""
