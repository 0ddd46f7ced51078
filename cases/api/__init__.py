"""The JSON API of cases (DRF): the published catalogue."""
