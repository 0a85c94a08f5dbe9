import streamlit as st

st.title("forward")
st.info("Coming soon.")
