"""The schema's shared error answers: every operation may answer 401 (no or a bad token), 403 (not
allowed), 404 (outside the reader's scope, or a page past the end) and 400 (bad input or filters),
all in the one error shape (``errors.ErrorSerializer``)."""

from __future__ import annotations

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "错误说明（中文）"},
        "field": {"type": "string", "nullable": True, "description": "出错的字段（如有）"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "各字段的错误",
        },
    },
    "required": ["detail"],
}
DESCRIPTIONS = {
    "400": "请求参数或内容无效（中文说明及字段）",
    "401": "未登录，或令牌无效、已过期、已撤销",
    "403": "没有执行该操作的权限",
    "404": "记录不存在，或不在查看范围内",
}


def document_errors(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    schemas.pop("ErrorSerializer", None)
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, text in DESCRIPTIONS.items():
                responses.setdefault(code, {"description": text})
            for code, response in responses.items():
                if code[0] in "45":
                    response.setdefault("description", DESCRIPTIONS.get(code, ""))
                    response["content"] = {"application/json": {"schema": ERROR_REF}}
    return result
