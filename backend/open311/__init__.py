"""Open311 GeoReport v2: hotlines and other civic systems file residents' complaints as tickets."""
