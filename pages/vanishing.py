import streamlit as st

st.title("vanishing")
st.info("Coming soon.")
