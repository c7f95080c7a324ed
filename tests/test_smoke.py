def test_health_reports_database(client, backend_name):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": backend_name}
