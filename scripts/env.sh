# Sourced by the other scripts. The binary links one CPython and its virtual environment must come
# from the same one: both are taken from the first python3 on PATH unless PYO3_PYTHON names it.
export PYO3_PYTHON="${PYO3_PYTHON:-$(python3 -c 'import sys; print(sys.executable)')}"
