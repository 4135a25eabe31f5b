"""Error codes of the API itself and of tenancy. API contract: values never change."""

from enum import StrEnum


class CoreErrorCode(StrEnum):
    # the request
    VALIDATION_ERROR = "validation_error"
    PARSE_ERROR = "parse_error"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    INVALID_CONTENT_LENGTH = "invalid_content_length"
    INVALID_HOST = "invalid_host"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    NOT_FOUND = "not_found"
    THROTTLED = "throttled"
    CSRF_FAILED = "csrf_failed"
    BAD_REQUEST = "bad_request"
    # authentication and permissions
    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    TOKEN_NOT_VALID = "token_not_valid"
    # the token was good and has expired: refresh it (or log in again if the refresh has too)
    TOKEN_EXPIRED = "token_expired"
    # the session was ended (logout, logout everywhere, a password change, a restore, a refresh
    # token already used): refreshing will not help, log in again
    SESSION_REVOKED = "session_revoked"
    PERMISSION_DENIED = "permission_denied"
    # state
    CONFLICT = "conflict"
    INTEGRITY_ERROR = "integrity_error"
    UNPROCESSABLE = "unprocessable"
    # the platform
    SERVICE_UNAVAILABLE = "service_unavailable"
    UPSTREAM_FAILED = "upstream_failed"
    INSUFFICIENT_STORAGE = "insufficient_storage"
    SERVER_ERROR = "server_error"
    ERROR = "error"
    # tenancy
    INVALID_TENANT = "invalid_tenant"
    TENANT_NOT_FOUND = "tenant_not_found"
    TENANT_INACTIVE = "tenant_inactive"
    TENANT_REQUIRED = "tenant_required"
    TENANT_MAINTENANCE = "tenant_maintenance"
    TENANT_BUSY = "tenant_busy"
    TENANT_EXISTS = "tenant_exists"
    TENANT_CLONE_UNSUPPORTED = "tenant_clone_unsupported"
    CITUS_REQUIRED = "citus_required"
    DOMAIN_EXISTS = "domain_exists"
    PUBLIC_SCHEMA = "public_schema"
