"""The supervisor's map: open-ticket aggregates kept by the database, GeoJSON layers, vector
tiles and place names."""
