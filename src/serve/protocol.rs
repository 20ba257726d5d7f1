//! The SPARQL 1.1 Protocol and the Graph Store Protocol: queries by GET, form POST and
//! direct POST, answers in the format the Accept header prefers, a service description on a
//! bare GET, updates with the bearer token, graph reads and writes at `/store`. Every query
//! and update runs through `commands::query`, the code behind `stratagraph query`.

use super::http::{self, Request, Response};
use super::{InFlight, Server};
use crate::backend::Answer;
use crate::cli::QueryArgs;
use crate::commands::Reply;
use crate::error::Error;
use crate::formats::{GraphFormat, TableFormat};
use crate::paths::guard::Guard;
use crate::render::reply::{render, Presentation};
use oxhttp::model::{HeaderValue, Method, StatusCode};
use oxigraph::model::{NamedNode, Triple};
use std::time::Duration;

/// Which of the three endpoints was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Query,
    Update,
    /// `/sparql`: queries, and updates by POST.
    Both,
}

/// Result formats in the server's order of preference.
const RESULT_OFFERS: &[(&str, TableFormat)] = &[
    ("application/sparql-results+json", TableFormat::Json),
    ("application/sparql-results+xml", TableFormat::Xml),
    ("text/csv", TableFormat::Csv),
    ("text/tab-separated-values", TableFormat::Tsv),
    ("application/json", TableFormat::Json),
    ("application/xml", TableFormat::Xml),
];

/// Graph formats in the server's order of preference.
const GRAPH_OFFERS: &[(&str, GraphFormat)] = &[
    ("text/turtle", GraphFormat::Turtle),
    ("application/n-triples", GraphFormat::Ntriples),
    ("application/ld+json", GraphFormat::Jsonld),
    ("application/rdf+xml", GraphFormat::Rdfxml),
    ("application/n-quads", GraphFormat::Nquads),
    ("application/trig", GraphFormat::Trig),
    ("application/json", GraphFormat::Jsonld),
];

fn offer_types<T>(offers: &[(&'static str, T)]) -> Vec<&'static str> {
    offers.iter().map(|(media_type, _)| *media_type).collect()
}

fn negotiated<T: Copy>(request: &Request, offers: &[(&'static str, T)]) -> Option<T> {
    let chosen = http::negotiate(request, &offer_types(offers))?;
    offers.iter().find(|(media_type, _)| *media_type == chosen).map(|(_, format)| *format)
}

/// What a protocol request asks for.
struct Operation {
    text: String,
    update: bool,
    timeout: Option<Duration>,
}

/// `/sparql`, `/query`, `/update`.
pub(crate) fn sparql(server: &Server, request: &mut Request, in_flight: &InFlight<'_>, endpoint: Endpoint) -> Response {
    let operation = match read_operation(server, request, endpoint) {
        Ok(Some(operation)) => operation,
        Ok(None) => return service_description(server, request),
        Err(response) => return response,
    };
    if operation.update {
        if endpoint == Endpoint::Query {
            return http::error_text(StatusCode::BAD_REQUEST, "this is the query endpoint; send updates to /update\n");
        }
        if let Err(response) = server.authorize_write(request) {
            return response;
        }
        let keyword = crate::sparql::first_keyword(&operation.text).unwrap_or("").to_ascii_uppercase();
        if ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"].contains(&keyword.as_str()) {
            return http::error_text(StatusCode::BAD_REQUEST, "this is a query; send it as `query`, not `update`\n");
        }
        return run_update(server, in_flight, &operation);
    }
    if endpoint == Endpoint::Update {
        return http::error_text(StatusCode::BAD_REQUEST, "this is the update endpoint; send queries to /query\n");
    }
    run_query(server, request, in_flight, &operation)
}

/// The operation in the request; `None` for a bare GET (the service description).
fn read_operation(server: &Server, request: &mut Request, endpoint: Endpoint) -> Result<Option<Operation>, Response> {
    let mut pairs = http::query_pairs(request);
    let (text, update) = match *request.method() {
        Method::GET | Method::HEAD => {
            if pairs.iter().any(|(k, _)| k == "update") {
                return Err(http::error_text(StatusCode::BAD_REQUEST, "updates are sent by POST\n"));
            }
            match pairs.iter().find(|(k, _)| k == "query") {
                Some((_, text)) => (text.clone(), false),
                None if endpoint != Endpoint::Update => return Ok(None),
                None => return Err(http::error_text(StatusCode::BAD_REQUEST, "POST an update here\n")),
            }
        }
        Method::POST => {
            let media_type = http::content_type(request);
            let body = http::body_text(http::read_body(request, server.options().max_body)?)?;
            match media_type.as_str() {
                "application/x-www-form-urlencoded" => {
                    pairs.extend(url::form_urlencoded::parse(body.as_bytes()).into_owned());
                    let query = pairs.iter().find(|(k, _)| k == "query").map(|(_, v)| v.clone());
                    let update = pairs.iter().find(|(k, _)| k == "update").map(|(_, v)| v.clone());
                    match (query, update) {
                        (Some(query), None) => (query, false),
                        (None, Some(update)) => (update, true),
                        (Some(_), Some(_)) => {
                            return Err(http::error_text(StatusCode::BAD_REQUEST, "give `query` or `update`, not both\n"))
                        }
                        (None, None) => {
                            return Err(http::error_text(
                                StatusCode::BAD_REQUEST,
                                "the form has no `query` or `update` field\n",
                            ))
                        }
                    }
                }
                "application/sparql-query" => (body, false),
                "application/sparql-update" => (body, true),
                other => {
                    return Err(http::error_text(
                        StatusCode::UNSUPPORTED_MEDIA_TYPE,
                        &format!(
                            "cannot read a body of type `{other}`; send application/sparql-query, application/sparql-update or a form\n"
                        ),
                    ))
                }
            }
        }
        _ => {
            let mut response = http::error_text(StatusCode::METHOD_NOT_ALLOWED, "use GET or POST\n");
            response.headers_mut().insert("allow", HeaderValue::from_static("GET, POST, OPTIONS"));
            return Err(response);
        }
    };
    let values = |key: &str| pairs.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    let (default_graphs, named_graphs) = (values("default-graph-uri"), values("named-graph-uri"));
    let text = if update || (default_graphs.is_empty() && named_graphs.is_empty()) {
        text
    } else {
        let options = crate::sparql::QueryOptions::default();
        crate::sparql::with_dataset(&text, &default_graphs, &named_graphs, &options)
            .map_err(|error| http::error_plain(&error))?
    };
    let dataset_keys: &[&str] = if update {
        &["default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri"]
    } else {
        &[]
    };
    for dataset in dataset_keys {
        if pairs.iter().any(|(k, _)| k == dataset) {
            return Err(http::error_text(
                StatusCode::BAD_REQUEST,
                &format!(
                    "`{dataset}` is not supported with updates; name the graphs in the update (WITH, USING, GRAPH)\n"
                ),
            ));
        }
    }
    let timeout = match pairs.iter().find(|(k, _)| k == "timeout") {
        Some((_, value)) => {
            match value.parse::<f64>().map_err(|_| ()).and_then(|s| crate::session::timeout_duration(s).map_err(|_| ()))
            {
                Ok(duration) => Some(duration),
                Err(()) => {
                    return Err(http::error_text(
                        StatusCode::BAD_REQUEST,
                        &format!("timeout `{value}` is not a positive number of seconds\n"),
                    ))
                }
            }
        }
        None => None,
    };
    Ok(Some(Operation { text, update, timeout }))
}

fn query_args(text: &str, update: bool) -> QueryArgs {
    QueryArgs {
        query: Some(text.to_owned()),
        file: None,
        format: None,
        graph_format: None,
        base: None,
        update,
        output: None,
    }
}

fn run_query(server: &Server, request: &Request, in_flight: &InFlight<'_>, operation: &Operation) -> Response {
    let table = negotiated(request, RESULT_OFFERS);
    let graph = negotiated(request, GRAPH_OFFERS);
    if table.is_none() && graph.is_none() {
        let mut offers = offer_types(RESULT_OFFERS);
        offers.extend(offer_types(GRAPH_OFFERS));
        return http::not_acceptable(&offers);
    }
    let session = server.session_for(in_flight, operation.timeout);
    let outcome = match crate::commands::query::query(&session, &session.settings, &query_args(&operation.text, false))
    {
        Ok(outcome) => outcome,
        Err(error) => return http::error_plain(&error),
    };
    let Reply::Answer(answer) = outcome.reply else {
        return http::error_plain(&Error::Internal("a query did not answer".to_owned()));
    };
    let presentation = match &answer {
        Answer::Graph(_) => match graph {
            Some(graph) => Presentation::Results { table: TableFormat::Json, graph },
            None => return http::not_acceptable(&offer_types(GRAPH_OFFERS)),
        },
        _ => match table {
            Some(table) => Presentation::Results { table, graph: GraphFormat::Turtle },
            None => return http::not_acceptable(&offer_types(RESULT_OFFERS)),
        },
    };
    let guard = Guard::until(session.settings.deadline(), session.cancel.clone(), None);
    respond(
        server,
        Reply::Answer(answer),
        presentation,
        session.settings.lang,
        request.method() == Method::HEAD,
        &guard,
    )
}

/// Renders a reply as the response body, within the result limit.
fn respond(
    server: &Server,
    reply: Reply,
    presentation: Presentation,
    lang: crate::schema::Lang,
    head: bool,
    guard: &Guard,
) -> Response {
    let rendered = match render(reply, presentation, lang, guard) {
        Ok(rendered) => rendered,
        Err(error) => return http::error_plain(&error),
    };
    let limit = server.options().max_result;
    match http::reply(rendered.media_type, rendered.body, limit) {
        Ok(mut response) => {
            if head {
                *response.body_mut() = oxhttp::model::Body::empty();
            }
            response
        }
        Err(_) => http::error_plain(&http::too_large(limit)),
    }
}

fn run_update(server: &Server, in_flight: &InFlight<'_>, operation: &Operation) -> Response {
    let session = server.session_for(in_flight, operation.timeout);
    match crate::commands::query::query(&session, &session.settings, &query_args(&operation.text, true)) {
        Ok(_) => http::bytes(StatusCode::NO_CONTENT, "text/plain", Vec::new()),
        Err(error) => http::error_plain(&error),
    }
}

/// The SPARQL service description of this endpoint, as RDF.
fn service_description(server: &Server, request: &Request) -> Response {
    let Some(format) = negotiated(request, GRAPH_OFFERS) else {
        return http::not_acceptable(&offer_types(GRAPH_OFFERS));
    };
    let host = request.headers().get("host").and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let sd = |local: &str| NamedNode::new_unchecked(format!("http://www.w3.org/ns/sparql-service-description#{local}"));
    let formats = |local: &str| NamedNode::new_unchecked(format!("http://www.w3.org/ns/formats/{local}"));
    let service = NamedNode::new_unchecked(format!("http://{host}/sparql#service"));
    let mut triples = vec![
        Triple::new(service.clone(), crate::vocab::std_terms::RDF_TYPE.into_owned(), sd("Service")),
        Triple::new(service.clone(), sd("endpoint"), NamedNode::new_unchecked(format!("http://{host}/sparql"))),
        Triple::new(service.clone(), sd("supportedLanguage"), sd("SPARQL11Query")),
    ];
    if server.options().update_token.is_some() {
        triples.push(Triple::new(service.clone(), sd("supportedLanguage"), sd("SPARQL11Update")));
    }
    for result_format in [
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    ] {
        triples.push(Triple::new(service.clone(), sd("resultFormat"), formats(result_format)));
    }
    respond(
        server,
        Reply::Answer(Answer::Graph(triples)),
        Presentation::Results { table: TableFormat::Json, graph: format },
        crate::schema::Lang::En,
        request.method() == Method::HEAD,
        &Guard::none(),
    )
}

/// The graph a Graph Store request names: `?default` or `?graph=IRI`.
enum Target {
    Default,
    Named(NamedNode),
}

fn target(request: &Request) -> Result<Target, Response> {
    let pairs = http::query_pairs(request);
    let graph = pairs.iter().find(|(k, _)| k == "graph").map(|(_, v)| v.clone());
    let default = pairs.iter().any(|(k, _)| k == "default");
    match (graph, default) {
        (Some(iri), false) => NamedNode::new(&iri)
            .map(Target::Named)
            .map_err(|e| http::error_text(StatusCode::BAD_REQUEST, &format!("`{iri}` is not an IRI: {e}\n"))),
        (None, true) => Ok(Target::Default),
        _ => Err(http::error_text(StatusCode::BAD_REQUEST, "name the graph: ?default or ?graph=IRI\n")),
    }
}

/// `/store`: GET (and HEAD) read a graph; POST adds to it, PUT replaces it and DELETE drops
/// it, with the token.
pub(crate) fn graph_store(server: &Server, request: &mut Request, in_flight: &InFlight<'_>) -> Response {
    let target = match target(request) {
        Ok(target) => target,
        Err(response) => return response,
    };
    let session = server.session_for(in_flight, None);
    let (pattern, name) = match &target {
        Target::Default => ("{ ?s ?p ?o }".to_owned(), "DEFAULT".to_owned()),
        Target::Named(iri) => (format!("{{ GRAPH {iri} {{ ?s ?p ?o }} }}"), format!("GRAPH {iri}")),
    };
    let method = request.method().clone();
    match method {
        Method::GET | Method::HEAD => {
            let Some(format) = negotiated(request, GRAPH_OFFERS) else {
                return http::not_acceptable(&offer_types(GRAPH_OFFERS));
            };
            if let Target::Named(iri) = &target {
                match session.backend.ask(&format!("ASK {pattern}")) {
                    Ok(true) => {}
                    Ok(false) => return http::error_text(StatusCode::NOT_FOUND, &format!("there is no graph {iri}\n")),
                    Err(error) => return http::error_plain(&error),
                }
            }
            let text = format!("CONSTRUCT {{ ?s ?p ?o }} WHERE {pattern}");
            match crate::commands::query::query(&session, &session.settings, &query_args(&text, false)) {
                Ok(outcome) => respond(
                    server,
                    outcome.reply,
                    Presentation::Results { table: TableFormat::Json, graph: format },
                    session.settings.lang,
                    method == Method::HEAD,
                    &Guard::until(session.settings.deadline(), session.cancel.clone(), None),
                ),
                Err(error) => http::error_plain(&error),
            }
        }
        Method::POST | Method::PUT | Method::DELETE => {
            if let Err(response) = server.authorize_write(request) {
                return response;
            }
            let mut update = String::new();
            if method != Method::POST {
                update.push_str(&format!("DROP SILENT {name} ;\n"));
            }
            if method != Method::DELETE {
                let triples = match read_triples(server, request) {
                    Ok(triples) => triples,
                    Err(response) => return response,
                };
                let mut data = String::new();
                for triple in &triples {
                    data.push_str(&format!("{triple} .\n"));
                }
                match &target {
                    Target::Default => update.push_str(&format!("INSERT DATA {{\n{data}}}")),
                    Target::Named(iri) => update.push_str(&format!("INSERT DATA {{ GRAPH {iri} {{\n{data}}} }}")),
                }
            }
            match crate::commands::query::query(&session, &session.settings, &query_args(&update, true)) {
                Ok(_) => http::bytes(StatusCode::NO_CONTENT, "text/plain", Vec::new()),
                Err(error) => http::error_plain(&error),
            }
        }
        _ => {
            let mut response = http::error_text(StatusCode::METHOD_NOT_ALLOWED, "use GET, POST, PUT or DELETE\n");
            response.headers_mut().insert("allow", HeaderValue::from_static("GET, HEAD, POST, PUT, DELETE, OPTIONS"));
            response
        }
    }
}

/// The triples of a Graph Store write's body, in the syntax its Content-Type names.
fn read_triples(server: &Server, request: &mut Request) -> Result<Vec<Triple>, Response> {
    let media_type = http::content_type(request);
    let Some(format) = oxigraph::io::RdfFormat::from_media_type(&media_type) else {
        return Err(http::error_text(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &format!("cannot read RDF of type `{media_type}`; send text/turtle, application/n-triples ...\n"),
        ));
    };
    let body = http::read_body(request, server.options().max_body)?;
    if format == oxigraph::io::RdfFormat::RdfXml {
        if let Err(error) = crate::input::check_rdfxml_entities("the body", body.as_slice()) {
            return Err(http::error_text(StatusCode::BAD_REQUEST, &format!("{}\n", error)));
        }
    }
    let parser = oxigraph::io::RdfParser::from_format(format).for_slice(&body);
    let mut triples = Vec::new();
    for quad in parser {
        match quad {
            Ok(quad) => triples.push(Triple::new(quad.subject, quad.predicate, quad.object)),
            Err(e) => return Err(http::error_text(StatusCode::BAD_REQUEST, &format!("cannot read the body: {e}\n"))),
        }
    }
    Ok(triples)
}
