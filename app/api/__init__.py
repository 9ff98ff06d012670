"""The HTTP surface: dependencies, error answers and routers."""
