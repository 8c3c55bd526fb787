"""(owner: see urls.py)"""

urlpatterns: list = []
