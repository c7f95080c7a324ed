"""公示: published, frozen rankings of firms, estates, streets and districts for a period."""
