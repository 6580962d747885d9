"""The intervention catalogue (insatskatalog): the interventions a municipality offers, each
mapped to a measure code of the SCB report; the starting catalogue; coordinators keep it."""
