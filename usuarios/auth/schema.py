"""OpenAPI: the tenant-bound JWT authentication is documented as bearer auth."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class TenantJWTScheme(SimpleJWTScheme):
    target_class = "usuarios.auth.authentication.TenantJWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema):
        definition = super().get_security_definition(auto_schema)
        definition["description"] = (
            "Token de acceso de /api/auth/token/. Solo vale en el tenant que lo emitió."
        )
        return definition
