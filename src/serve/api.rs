//! The command API: `/api/describe`, `/api/timeline`, `/api/search`, `/api/path`, `/api/neighbors`,
//! `/api/reach`, `/api/common`, `/api/central`, `/api/reports[/NAME[/run]]`, `/api/export`,
//! `/api/check` and `/api/info`. Each route turns its parameters into the command's typed
//! arguments (the structs the CLI grammar parses into) and runs it through `exec::execute`,
//! so a route and the CLI subcommand of the same name run the same code and return the same
//! JSON. `/api/openapi.json` describes them, with the reply schemas.

use super::http::{self, Request, Response};
use super::{InFlight, Server};
use crate::cli::{
    CentralArgs, Command, CommonArgs, DescribeArgs, Flow, Measure, NeighborsArgs, PathArgs, ReachArgs, SearchArgs,
    SettingsArgs, ViaArgs,
};
use crate::commands::data::NoProgress;
use crate::error::Error;
use crate::export::{ExportArgs, ExportFormat};
use crate::formats::TextFormat;
use crate::reports::{QueriesArgs, ReportCommand};
use crate::schema::Lang;
use clap::ValueEnum;
use oxhttp::model::{HeaderValue, Method, StatusCode};

/// A request's parameters, with typed getters whose errors name the parameter.
struct Params(Vec<(String, String)>);

impl Params {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn required(&self, name: &str) -> Result<String, Error> {
        match self.get(name) {
            Some(value) if !value.trim().is_empty() => Ok(value.to_owned()),
            _ => Err(Error::input(format!("the parameter `{name}` is required"), None)),
        }
    }

    fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, Error> {
        self.get(name)
            .map(|value| {
                value.trim().parse().map_err(|_| Error::input(format!("`{name}={value}` is not a valid number"), None))
            })
            .transpose()
    }

    fn flag(&self, name: &str) -> Result<bool, Error> {
        match self.get(name) {
            None | Some("false" | "0" | "no") => Ok(false),
            Some("" | "true" | "1" | "yes") => Ok(true),
            Some(other) => Err(Error::input(format!("`{name}={other}` is not true or false"), None)),
        }
    }

    /// Comma-separated values, from one or several occurrences.
    fn list(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    }

    fn choice<T: ValueEnum>(&self, name: &str) -> Result<Option<T>, Error> {
        self.get(name)
            .map(|value| {
                T::from_str(value, true).map_err(|_| {
                    let names: Vec<String> = T::value_variants()
                        .iter()
                        .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_owned()))
                        .collect();
                    Error::input(format!("`{name}={value}` is not one of {}", names.join(", ")), None)
                })
            })
            .transpose()
    }

    fn via(&self) -> ViaArgs {
        ViaArgs { via: self.list("via"), avoid: self.list("avoid") }
    }

    fn settings(&self) -> Result<SettingsArgs, Error> {
        Ok(SettingsArgs {
            lang: self.choice::<Lang>("lang")?,
            timeout: self.number("timeout")?,
            allow_service: false,
            quiet: true,
            // The server's own result-size limit bounds what a request may ask for.
            max_rows: None,
            max_memory: None,
            as_of: self.list("as_of").into_iter().next(),
            infer: None,
        })
    }
}

/// Serves one `/api/...` request.
pub(crate) fn handle(server: &Server, request: &mut Request, in_flight: &InFlight<'_>, path: &str) -> Response {
    let params = Params(http::query_pairs(request));
    let route = path.trim_start_matches("/api/").trim_end_matches('/');
    let method = request.method().clone();
    let result = match (route, &method) {
        ("info", &Method::GET) => return info(server),
        ("check", &Method::POST) => return check(server, request, in_flight, &params),
        ("export", &Method::POST) => {
            let body = match http::read_body(request, server.options().max_body).and_then(http::body_text) {
                Ok(body) => body,
                Err(response) => return response,
            };
            export(&params, Some(body)).map(Some)
        }
        (_, &Method::GET | &Method::HEAD) => command_for(route, &params),
        _ => {
            let mut response =
                http::error_text(StatusCode::METHOD_NOT_ALLOWED, "use GET (POST for check and export)\n");
            response.headers_mut().insert("allow", HeaderValue::from_static("GET, POST, OPTIONS"));
            return response;
        }
    };
    let command = match result {
        Ok(Some(command)) => command,
        Ok(None) => {
            return http::error_json(&Error::input(
                format!("there is no API route `/api/{route}`"),
                Some("see /api/openapi.json".to_owned()),
            ))
            .with_status(StatusCode::NOT_FOUND)
        }
        Err(error) => return http::error_json(&error),
    };
    let settings = match params.settings() {
        Ok(settings) => settings,
        Err(error) => return http::error_json(&error),
    };
    let session = server.session_for(in_flight, None);
    match crate::exec::execute(&session, command, &settings, &NoProgress) {
        Ok(output) => {
            let verdict = if output.status == 0 { "answered" } else { "no-result" };
            match http::reply(output.media_type, output.body, server.options().max_result) {
                Ok(mut response) => {
                    response.headers_mut().insert("x-stratagraph-verdict", HeaderValue::from_static(verdict));
                    response
                }
                Err(_) => http::error_json(&http::too_large(server.options().max_result)),
            }
        }
        Err(error) => http::error_json(&error),
    }
}

/// The command a GET route names, built from its parameters; `None` for an unknown route.
fn command_for(route: &str, params: &Params) -> Result<Option<Command>, Error> {
    let json = TextFormat::Json;
    Ok(Some(match route {
        "describe" => Command::Describe(DescribeArgs { entity: params.required("entity")?, format: json }),
        "timeline" => Command::Timeline(DescribeArgs { entity: params.required("entity")?, format: json }),
        "search" => Command::Search(SearchArgs {
            text: params.required("q")?,
            limit: params.number("limit")?.unwrap_or(10),
            within: params.choice::<crate::cli::SearchIn>("in")?.unwrap_or_default(),
            format: json,
        }),
        "path" => Command::Path(PathArgs {
            from: params.required("from")?,
            to: params.required("to")?,
            via: params.via(),
            directed: params.flag("directed")?,
            k: params.number("k")?,
            all: params.flag("all")?,
            max_len: params.number("max_len")?,
            limit: params.number("limit")?,
            evidence: params.flag("evidence")?,
            format: json,
        }),
        "neighbors" => Command::Neighbors(NeighborsArgs {
            entity: params.required("entity")?,
            depth: params.number("depth")?.unwrap_or(1),
            via: params.via(),
            format: json,
        }),
        "reach" => Command::Reach(ReachArgs {
            entity: params.required("entity")?,
            direction: params.choice::<Flow>("direction")?.unwrap_or(Flow::Downstream),
            max_depth: params.number("max_depth")?.unwrap_or(20),
            via: params.via(),
            format: json,
        }),
        "common" => Command::Common(CommonArgs {
            a: params.required("a")?,
            b: params.required("b")?,
            via: params.via(),
            format: json,
        }),
        "central" => Command::Central(CentralArgs {
            via: params.via(),
            top: params.number("top")?.unwrap_or(15),
            by: params.choice::<Measure>("by")?.unwrap_or(Measure::Betweenness),
            format: json,
        }),
        "reports" => Command::Report(ReportCommand::List(crate::reports::ListArgs {
            queries: QueriesArgs::default(),
            format: json,
        })),
        "export" => return export(params, None).map(Some),
        report if report.starts_with("reports/") => {
            let rest = &report["reports/".len()..];
            match rest.split_once('/') {
                None => Command::Report(ReportCommand::Show(crate::reports::ShowArgs {
                    name: rest.to_owned(),
                    format: json,
                    queries: QueriesArgs::default(),
                })),
                Some((name, "run")) => Command::Report(ReportCommand::Run(crate::reports::RunArgs {
                    name: name.to_owned(),
                    param: params.0.iter().filter(|(k, _)| k == "param").map(|(_, v)| v.clone()).collect(),
                    format: Some(
                        params
                            .choice::<crate::formats::AnswerFormat>("format")?
                            .unwrap_or(crate::formats::AnswerFormat::Json),
                    ),
                    output: None,
                    all_columns: params.flag("all_columns")?,
                    queries: QueriesArgs::default(),
                })),
                Some(_) => return Ok(None),
            }
        }
        _ => return Ok(None),
    }))
}

/// `export`: GET with a selection, or POST with a CONSTRUCT query as the body.
fn export(params: &Params, construct: Option<String>) -> Result<Command, Error> {
    let path = params.list("path");
    if !path.is_empty() && path.len() != 2 {
        return Err(Error::input("`path` takes two entities: path=FROM,TO", None));
    }
    Ok(Command::Export(ExportArgs {
        format: Some(params.choice::<ExportFormat>("format")?.unwrap_or(ExportFormat::Svg)),
        output: None,
        around: params.get("around").map(str::to_owned),
        depth: params.number("depth")?.unwrap_or(1),
        via: params.list("via"),
        path: (!path.is_empty()).then_some(path),
        k: params.number("k")?.unwrap_or(1),
        construct: None,
        construct_text: construct,
        title: params.get("title").map(str::to_owned),
        size: params
            .get("size")
            .map(|s| s.parse().map_err(|e: String| Error::input(format!("size: {e}"), None)))
            .transpose()?,
    }))
}

/// `check` of an uploaded fact file (the body, TOML). Its source texts are not read.
fn check(server: &Server, request: &mut Request, in_flight: &InFlight<'_>, params: &Params) -> Response {
    let body = match http::read_body(request, server.options().max_body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let name = params.get("name").unwrap_or("upload.toml").to_owned();
    let session = server.session_for(in_flight, None);
    let checked =
        crate::input::decode(&name, body).and_then(|text| crate::commands::data::check_text(&session, &name, text));
    let rendered = checked.and_then(|outcome| {
        let guard = crate::paths::guard::Guard::until(session.settings.deadline(), session.cancel.clone(), None);
        crate::render::reply::render(
            outcome.reply,
            crate::render::reply::Presentation::Json,
            session.settings.lang,
            &guard,
        )
    });
    match rendered {
        Ok(rendered) => match http::reply(rendered.media_type, rendered.body, server.options().max_result) {
            Ok(response) => response,
            Err(error) => http::error_json(&error),
        },
        Err(error) => http::error_json(&error),
    }
}

/// `/api/info`: what the page needs to know about the server.
fn info(server: &Server) -> Response {
    let backend = &server.session.backend;
    let prefixes: serde_json::Map<String, serde_json::Value> =
        crate::vocab::PREFIXES.iter().map(|(p, i)| ((*p).to_owned(), (*i).into())).collect();
    let groups: Vec<serde_json::Value> = match server.session.schema() {
        Ok(schema) => schema
            .groups
            .iter()
            .map(|(id, group)| serde_json::json!({ "id": id, "en": group.labels.get(Lang::En), "zh": group.labels.get(Lang::Zh) }))
            .collect(),
        Err(error) => return http::error_json(&error),
    };
    http::json(
        StatusCode::OK,
        &serde_json::json!({
            "version": env!("CARGO_PKG_VERSION"),
            "store": backend.location(),
            "triples": backend.len().ok(),
            "updates": server.options().update_token.is_some(),
            "prefixes": prefixes,
            "groups": groups,
        }),
    )
}

/// The OpenAPI 3.1 description of the API, with the reply schemas.
pub(crate) fn openapi() -> Response {
    http::json(StatusCode::OK, &openapi_document())
}

/// The OpenAPI document (also what the tests validate responses against).
pub(crate) fn openapi_document() -> serde_json::Value {
    let schemas = crate::commands::reply_schemas();
    let text = serde_json::to_string(&schemas).unwrap_or_default().replace("#/$defs/", "#/components/schemas/");
    let schemas: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let mut components = schemas["$defs"].as_object().cloned().unwrap_or_default();
    let reply = |name: &str| schemas["replies"][name].clone();
    let parameter = |name: &str, required: bool, description: &str| serde_json::json!({ "name": name, "in": "query", "required": required, "description": description, "schema": { "type": "string" } });
    let lang = parameter("lang", false, "label language: en or zh");
    let as_of = parameter("as_of", false, "read the graph as of this day (YYYY-MM-DD): only the facts in force then");
    let via = parameter("via", false, "relation groups or properties, comma separated");
    let avoid = parameter("avoid", false, "entities not to pass through, comma separated");
    let get = |summary: &str, parameters: Vec<serde_json::Value>, schema: serde_json::Value| {
        serde_json::json!({ "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {
                "200": { "description": "the reply", "content": { "application/json": { "schema": schema } } },
                "400": { "description": "bad parameters", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ApiError" } } } },
                "404": { "description": "no such entity, or no result where one is needed", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ApiError" } } } },
                "503": { "description": "timed out", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ApiError" } } } }
            }
        }})
    };
    components.insert(
        "ApiError".to_owned(),
        serde_json::json!({
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": { "type": "string" }, "hint": { "type": "string" },
                "line": { "type": "integer" }, "column": { "type": "integer" },
                "problems": { "type": "array", "items": { "type": "string" } }
            }
        }),
    );
    let entity = |name: &str| parameter(name, true, "an IRI, prefixed name, id, English or Chinese label, or alias");
    let number = |name: &str, description: &str| serde_json::json!({ "name": name, "in": "query", "required": false, "description": description, "schema": { "type": "integer", "minimum": 0 } });
    let flag = |name: &str, description: &str| serde_json::json!({ "name": name, "in": "query", "required": false, "description": description, "schema": { "type": "boolean" } });
    serde_json::json!({
        "openapi": "3.1.0",
        "info": {
            "title": "stratagraph command API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The stratagraph commands over HTTP, with the JSON replies of `--format json`. SPARQL 1.1 Protocol at /sparql, /query and /update; Graph Store reads at /store."
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": {
            "/api/describe": get("Everything known about an entity, with the quote and source of each fact", vec![entity("entity"), as_of.clone(), lang.clone()], reply("describe")),
            "/api/timeline": get("An entity's dated facts and figures in date order, with the quote and source of each", vec![entity("entity"), as_of.clone(), lang.clone()], reply("timeline")),
            "/api/search": get("Entities by English or Chinese label or alias", vec![parameter("q", true, "text to look for"), parameter("in", false, "names (labels and aliases, the default) or quotes (the words of quotes, notes, descriptions, labels and aliases, ranked)"), number("limit", "the most hits"), lang.clone()], serde_json::json!({ "oneOf": [reply("search"), reply("search in quotes")] })),
            "/api/path": get("How two entities are connected", vec![entity("from"), entity("to"), via.clone(), avoid.clone(), flag("directed", "follow edges forward only"), number("k", "the k shortest routes"), flag("all", "every simple route up to max_len"), number("max_len", "the longest route with all"), number("limit", "the most routes with all"), flag("evidence", "the quote and source of each edge"), as_of.clone(), lang.clone()], reply("path")),
            "/api/neighbors": get("The neighbourhood of an entity", vec![entity("entity"), number("depth", "hops out"), via.clone(), avoid.clone(), as_of.clone(), lang.clone()], reply("neighbors")),
            "/api/reach": get("Everything upstream or downstream of an entity, by tier", vec![entity("entity"), parameter("direction", false, "upstream or downstream"), number("max_depth", "the most tiers"), via.clone(), avoid.clone(), as_of.clone(), lang.clone()], reply("reach")),
            "/api/common": get("Nearest shared ancestors and shared neighbours", vec![entity("a"), entity("b"), via.clone(), avoid.clone(), as_of.clone(), lang.clone()], reply("common")),
            "/api/central": get("Entities ranked by degree or betweenness", vec![number("top", "how many"), parameter("by", false, "degree or betweenness"), via.clone(), avoid.clone(), as_of.clone(), lang.clone()], reply("central")),
            "/api/reports": get("The saved reports", vec![], reply("report list")),
            "/api/reports/{name}": get("One report, with its query", vec![serde_json::json!({ "name": "name", "in": "path", "required": true, "schema": { "type": "string" } })], reply("report show")),
            "/api/reports/{name}/run": { "get": {
                "summary": "Run a report: SPARQL results JSON by default (format=csv, tsv, xml, markdown, table)",
                "parameters": [
                    { "name": "name", "in": "path", "required": true, "schema": { "type": "string" } },
                    { "name": "param", "in": "query", "required": false, "description": "NAME=VALUE, repeated", "schema": { "type": "string" } },
                    { "name": "format", "in": "query", "required": false, "schema": { "type": "string" } }
                ],
                "responses": { "200": { "description": "the table", "content": { "application/sparql-results+json": {}, "text/csv": {}, "text/markdown": {} } } }
            }},
            "/api/export": {
                "get": {
                    "summary": "A subgraph for drawing: svg (default), dot, graphml, cytoscape, mermaid, turtle, ntriples, jsonld",
                    "parameters": [parameter("format", false, "the export format"), parameter("around", false, "only the neighbourhood of this entity"), number("depth", "how far around reaches"), via.clone(), parameter("path", false, "FROM,TO: only the routes between them"), number("k", "with path: the k shortest"), parameter("title", false, "a title for pictures"), lang.clone()],
                    "responses": { "200": { "description": "the export", "content": { "image/svg+xml": {}, "application/json": {}, "text/vnd.graphviz": {} } } }
                },
                "post": {
                    "summary": "The graph a CONSTRUCT query (the body) builds, for drawing",
                    "parameters": [parameter("format", false, "the export format"), lang.clone()],
                    "requestBody": { "required": true, "content": { "application/sparql-query": {} } },
                    "responses": { "200": { "description": "the export" } }
                }
            },
            "/api/check": { "post": {
                "summary": "Check an uploaded fact file (TOML) against the ontology and the graph; its source texts are not read",
                "requestBody": { "required": true, "content": { "application/toml": {} } },
                "responses": {
                    "200": { "description": "the check report", "content": { "application/json": { "schema": reply("check") } } },
                    "400": { "description": "the file cannot be parsed", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ApiError" } } } }
                }
            }},
            "/api/info": { "get": { "summary": "The server: version, store, size, whether updates are on, prefixes", "responses": { "200": { "description": "the server" } } } }
        },
        "components": { "schemas": components }
    })
}

trait WithStatus {
    fn with_status(self, status: StatusCode) -> Self;
}

impl WithStatus for Response {
    fn with_status(mut self, status: StatusCode) -> Response {
        *self.status_mut() = status;
        self
    }
}
