"""Error codes of the catalogue, orders and payments. API contract: values never change."""

from enum import StrEnum


class ProductoErrorCode(StrEnum):
    STOCK_INSUFICIENTE = "stock_insuficiente"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    PEDIDO_CANCELADO = "pedido_cancelado"
    PEDIDO_PAGADO = "pedido_pagado"
    INVALID_TRANSITION = "invalid_transition"
    IN_USE = "in_use"
