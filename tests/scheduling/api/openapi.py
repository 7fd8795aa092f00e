"""Walking the generated OpenAPI schema (the `schema` fixture is in this folder's conftest)."""


def operations(schema: dict):
    """(method, path, operation) for every operation."""
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation
