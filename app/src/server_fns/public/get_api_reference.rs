use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The REST API's reference, read from its OpenAPI document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiReference {
    pub title: String,
    pub description: String,
    /// The OpenAPI document itself.
    pub document_url: String,
    pub operations: Vec<Operation>,
    pub schemas: Vec<Schema>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    /// The scopes the token needs.
    pub scopes: Vec<String>,
    pub parameters: Vec<Field>,
    /// The request body's schema, if any.
    pub body: Option<String>,
    /// Status, description, body schema.
    pub responses: Vec<(String, String, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    pub name: String,
    pub description: String,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    /// E.g. `string`, `integer`, `array of Badge`, `Recipient`, with `or null`.
    pub kind: String,
    pub required: bool,
    pub description: String,
}

/// The reference, for anyone (the API's shape is not a secret).
#[server(endpoint = "public/get_api_reference")]
pub async fn get_api_reference() -> Result<ApiReference, AppError> {
    let ctx = crate::ssr::context()?;
    let doc = use_context::<laurel_service::api::OpenApiDocument>().ok_or(AppError::Internal)?;
    Ok(ssr::reference(&doc.0, ctx.site().openapi()))
}

#[cfg(feature = "ssr")]
mod ssr {
    //! Reads the few parts of an OpenAPI 3.1 document (as `utoipa` writes
    //! it) that a person needs. No crate renders OpenAPI to Leptos views,
    //! and a full viewer (Swagger UI) would ship a large script.
    use serde_json::Value;

    use super::{ApiReference, Field, Operation, Schema};

    fn text(v: &Value, key: &str) -> String {
        v.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }

    /// A schema's kind in a few words.
    pub fn kind(v: &Value) -> String {
        if let Some(r) = v.get("$ref").and_then(Value::as_str) {
            return r.rsplit('/').next().unwrap_or(r).to_owned();
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(all) = v.get(key).and_then(Value::as_array) {
                let kinds: Vec<String> = all.iter().map(kind).collect();
                return kinds.join(" or ");
            }
        }
        let types: Vec<String> = match v.get("type") {
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => vec![],
        };
        types
            .iter()
            .map(|t| match t.as_str() {
                "array" => format!("array of {}", v.get("items").map(kind).unwrap_or_default()),
                "string" => match v.get("format").and_then(Value::as_str) {
                    Some(f) => format!("string ({f})"),
                    None => "string".into(),
                },
                other => other.to_owned(),
            })
            .collect::<Vec<_>>()
            .join(" or ")
    }

    fn body_schema(v: &Value) -> Option<String> {
        v.get("content")?
            .get("application/json")?
            .get("schema")
            .map(kind)
    }

    pub fn reference(doc: &Value, document_url: String) -> ApiReference {
        let mut operations = Vec::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                let scopes = op["security"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s.as_object())
                    .flat_map(|s| s.values())
                    .filter_map(Value::as_array)
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect();
                let parameters = op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| Field {
                        name: format!("{} ({})", text(p, "name"), text(p, "in")),
                        kind: p.get("schema").map(kind).unwrap_or_default(),
                        required: p["required"].as_bool().unwrap_or(false),
                        description: text(p, "description"),
                    })
                    .collect();
                let responses = op["responses"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(status, r)| (status.clone(), text(r, "description"), body_schema(r)))
                    .collect();
                operations.push(Operation {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    summary: text(op, "summary"),
                    description: text(op, "description"),
                    scopes,
                    parameters,
                    body: op.get("requestBody").and_then(body_schema),
                    responses,
                });
            }
        }
        let schemas = doc["components"]["schemas"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, s)| {
                let required: Vec<&str> = s["required"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                Schema {
                    name: name.clone(),
                    description: text(s, "description"),
                    fields: s["properties"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(field, p)| Field {
                            name: field.clone(),
                            kind: kind(p),
                            required: required.contains(&field.as_str()),
                            description: text(p, "description"),
                        })
                        .collect(),
                }
            })
            .collect();
        ApiReference {
            title: text(&doc["info"], "title"),
            description: text(&doc["info"], "description"),
            document_url,
            operations,
            schemas,
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use serde_json::json;

        #[test]
        fn kinds_read_as_words() {
            assert_eq!(
                kind(&json!({"$ref": "#/components/schemas/Badge"})),
                "Badge"
            );
            assert_eq!(
                kind(&json!({"type": ["string", "null"], "format": "date-time"})),
                "string (date-time) or null"
            );
            assert_eq!(
                kind(&json!({"type": "array", "items": {"$ref": "#/c/Badge"}})),
                "array of Badge"
            );
            assert_eq!(
                kind(&json!({"oneOf": [{"type": "null"}, {"$ref": "#/c/Recipient"}]})),
                "null or Recipient"
            );
        }

        #[test]
        fn operations_and_schemas_are_read() {
            let doc = json!({
                "info": {"title": "T", "description": "D"},
                "paths": {"/x/{id}": {"get": {
                    "summary": "Get x.",
                    "security": [{"token": ["x:read"]}],
                    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/X"}}}}}
                }}},
                "components": {"schemas": {"X": {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer", "description": "An a."}}}}}
            });
            let r = reference(&doc, "u".into());
            assert_eq!(r.operations[0].method, "GET");
            assert_eq!(r.operations[0].scopes, ["x:read"]);
            assert_eq!(r.operations[0].parameters[0].name, "id (path)");
            assert_eq!(r.operations[0].responses[0].2.as_deref(), Some("X"));
            assert_eq!(r.schemas[0].fields[0].kind, "integer");
            assert!(r.schemas[0].fields[0].required);
        }
    }
}
