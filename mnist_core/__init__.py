"""MNIST Lab's engine: data, models, training, jobs and run registry, without Streamlit."""
