"""German NLP: our own spaCy pipeline (built from data/gazetteer/) and extraction."""
