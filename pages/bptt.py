import streamlit as st

st.title("bptt")
st.info("Coming soon.")
