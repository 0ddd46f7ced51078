"""`make bench`: the production processes measured against the framework's own limits.

Nothing here is imported by the apps or by edu_platform: the baseline views and the no-op task
exist only under bench.settings, which the harness selects with DJANGO_SETTINGS_MODULE.
"""
