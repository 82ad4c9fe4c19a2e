"""The gifts app's API: the public catalog (catalog.py) and giving: carts, checkout and orders (giving.py)."""
