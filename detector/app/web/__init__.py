"""The browser page: a small local web server (Starlette + uvicorn) and its static page.

``server`` builds the app (the page and the JSON API), ``uploads`` reads request bodies
safely, ``runner`` binds the address and runs uvicorn in the foreground (``serve``) or in
a background thread (the menu's "Open in the browser"). ``static/`` is the page itself:
plain HTML, CSS and JavaScript, no build step, nothing loaded from the network.
"""
