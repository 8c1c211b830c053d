"""The Streamlit app's pages: each renders what assistant/, index/ and evals/ return, nothing
more."""
