"""Text understanding for the answerers: entities, numbers, places, roles, question analysis."""
