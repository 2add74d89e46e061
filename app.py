"""Entry point: `streamlit run app.py`."""

from ui.bootstrap import run_app

run_app()
