"""The supervisor's map: open-ticket aggregates kept by the database, GeoJSON layers with
clusters, and place names."""
