"""The live preview: a server on 127.0.0.1 that runs the same stages as the build, in
memory, after each saved change."""
