"""The Streamlit app's pages (``app.py`` routes to them). They call the grader's API and only render."""
