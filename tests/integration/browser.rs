//! The web page tested as a person would use it: Debian's Chromium, headless, driven through
//! chromedriver (WebDriver) by fantoccini, against the real `stratagraph serve`. Search in
//! Chinese → describe → a path → the graph view (a click on a node describes it) → a report
//! → a SPARQL query typed into the editor; and the page at phone width. A screenshot of each
//! view is written to a temporary folder, or to `docs/screenshots/` when
//! STRATAGRAPH_SCREENSHOTS=1 (to refresh the committed ones).
//!
//! Without chromium and chromedriver the test says why and skips; under CI it fails instead.

use crate::serve::Served;
use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver on a free port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start_driver() -> Driver {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Driver { child, url }
}

/// True when the browser is here; otherwise explains, and fails under CI.
fn browser_available() -> bool {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER].into_iter().filter(|p| !Path::new(p).exists()).collect();
    if missing.is_empty() {
        return true;
    }
    let reason = format!("the browser tests need {} (Debian's chromium and chromium-driver)", missing.join(" and "));
    assert!(std::env::var_os("CI").is_none(), "{reason}; .ci/run installs them");
    eprintln!("skipping: {reason}");
    false
}

async fn connect(driver: &Driver, profile: &Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=en-US",
                format!("--user-data-dir={}", profile.display()),
            ]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

fn screenshot_dir(temporary: &Path) -> PathBuf {
    if std::env::var_os("STRATAGRAPH_SCREENSHOTS").is_some() {
        let dir = crate::util::repo().join("docs/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        dir
    } else {
        temporary.to_path_buf()
    }
}

async fn shot(client: &Client, dir: &Path, name: &str) {
    let png = client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

/// Waits until `script` (a JavaScript expression) is truthy, or fails naming `what`.
async fn until(client: &Client, what: &str, script: &str) {
    for _ in 0..200 {
        let value = client.execute(&format!("return Boolean({script});"), vec![]).await.unwrap();
        if value == serde_json::Value::Bool(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let body = client.execute("return document.body.innerText;", vec![]).await.unwrap();
    panic!("the page never showed {what}; it shows:\n{}", body.as_str().unwrap_or(""));
}

async fn text_of(client: &Client, css: &str) -> String {
    client.find(Locator::Css(css)).await.unwrap().text().await.unwrap()
}

#[test]
fn the_web_page_through_a_real_browser() {
    if !browser_available() {
        return;
    }
    let server = Served::builtin();
    let driver = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let shots = screenshot_dir(profile.path());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let client = connect(&driver, &profile.path().join("profile")).await;
        let base = format!("http://{}/", server.address);
        client.goto(&base).await.unwrap();
        until(&client, "the page ready", "document.body.dataset.ready === 'true'").await;

        // Search in Chinese, then describe the entity found.
        let input = client.find(Locator::Id("search-input")).await.unwrap();
        input.send_keys("蒋凡").await.unwrap();
        client.find(Locator::Css("#search-form button")).await.unwrap().click().await.unwrap();
        until(&client, "Jiang Fan described", "document.getElementById('describe-title')?.textContent.includes('Jiang Fan')").await;
        let title = text_of(&client, "#describe-title").await;
        assert!(title.contains("蒋凡"), "{title}");
        let quotes = client.find_all(Locator::Css("#describe .evidence q")).await.unwrap();
        assert!(!quotes.is_empty(), "each fact shows its quote");
        let first_quote = quotes[0].text().await.unwrap();
        assert!(first_quote.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "a Chinese quote: {first_quote}");
        shot(&client, &shots, "describe").await;

        // The path finder draws the routes.
        client.goto(&format!("{base}#path")).await.unwrap();
        client.find(Locator::Id("path-from")).await.unwrap().send_keys("Jiang Fan").await.unwrap();
        client.find(Locator::Id("path-to")).await.unwrap().send_keys("Temu").await.unwrap();
        let k = client.find(Locator::Id("path-k")).await.unwrap();
        k.clear().await.unwrap();
        k.send_keys("2").await.unwrap();
        client.find(Locator::Id("path-go")).await.unwrap().click().await.unwrap();
        until(&client, "two routes", "document.querySelectorAll('#path-results li').length === 2").await;
        let routes = text_of(&client, "#path-results").await;
        assert!(routes.contains("Jiang Fan") && routes.contains("Temu"), "{routes}");
        until(&client, "the routes drawn", "window.stratagraphGraphs?.['path-graph']?.nodes().length >= 3").await;
        shot(&client, &shots, "path").await;

        // The graph view of a neighbourhood; a click on a node describes it.
        client.goto(&format!("{base}#graph/Choice")).await.unwrap();
        until(&client, "the neighbourhood drawn", "/\\d+ entities, \\d+ relations/.test(document.getElementById('graph-summary').textContent)").await;
        let summary = text_of(&client, "#graph-summary").await;
        let legend = text_of(&client, "#graph-legend").await;
        assert!(!legend.trim().is_empty(), "a legend of classes");
        shot(&client, &shots, "graph").await;
        let target = client
            .execute(
                "const cy = window.stratagraphGraphs['graph-canvas']; cy.resize();
                 const node = cy.nodes().filter(n => n.data('label') !== 'Choice')[0];
                 const p = node.renderedPosition(); const box = cy.container().getBoundingClientRect();
                 return { x: p.x - box.width / 2, y: p.y - box.height / 2, label: node.data('label') };",
                vec![],
            )
            .await
            .unwrap();
        let canvas = client.find(Locator::Id("graph-canvas")).await.unwrap();
        let click = MouseActions::new("mouse".to_owned())
            .then(PointerAction::MoveToElement {
                element: canvas,
                duration: None,
                x: target["x"].as_f64().unwrap(),
                y: target["y"].as_f64().unwrap(),
            })
            .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
            .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
        client.perform_actions(click).await.unwrap();
        let label = target["label"].as_str().unwrap().to_owned();
        until(&client, &format!("{label} described after the click ({summary})"), "location.hash.startsWith('#describe/') && document.getElementById('describe-title')").await;
        let described = text_of(&client, "#describe-title").await;
        assert!(described.contains(&label), "clicked {label}, described {described}");

        // A report, one click away, with its downloads.
        client.goto(&format!("{base}#reports")).await.unwrap();
        until(&client, "the report list", "document.querySelector('tr[data-report=\"alibaba-structure\"] button')").await;
        client.find(Locator::Css("tr[data-report='alibaba-structure'] button")).await.unwrap().click().await.unwrap();
        until(&client, "the report's rows", "document.querySelectorAll('#report-table table.results tbody tr').length > 0").await;
        let links = text_of(&client, "#report-links").await;
        assert!(links.contains("CSV") && links.contains("Markdown"), "{links}");
        shot(&client, &shots, "report").await;

        // A SPARQL query typed into the editor, with Chinese in it.
        client.goto(&format!("{base}#sparql")).await.unwrap();
        until(&client, "the editor", "window.stratagraphEditor").await;
        client
            .execute(
                "const view = window.stratagraphEditor; view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: '' } }); view.focus();",
                vec![],
            )
            .await
            .unwrap();
        let editor = client.find(Locator::Css("#sparql-editor .cm-content")).await.unwrap();
        editor
            .send_keys("SELECT ?e ?name WHERE { ?e rdfs:label ?name . FILTER(CONTAINS(?name, \"淘宝\")) } ORDER BY ?name")
            .await
            .unwrap();
        // Escape closes the completion list the typing opened.
        editor.send_keys("\u{e00c}").await.unwrap();
        client.find(Locator::Id("sparql-run")).await.unwrap().click().await.unwrap();
        until(&client, "the query's rows", "document.querySelectorAll('#sparql-results tbody tr').length > 0").await;
        let results = text_of(&client, "#sparql-results").await;
        assert!(results.contains("淘宝"), "{results}");
        shot(&client, &shots, "sparql").await;

        // Entity names complete in the editor, typed in Chinese, into their prefixed IRIs.
        client
            .execute(
                "const view = window.stratagraphEditor; view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: 'DESCRIBE ' }, selection: { anchor: 9 } }); view.focus();",
                vec![],
            )
            .await
            .unwrap();
        editor.send_keys("速卖通").await.unwrap();
        until(&client, "a completion for 速卖通", "document.querySelector('.cm-tooltip-autocomplete')?.textContent.includes('entity:aliexpress')").await;
        let item = client
            .find(Locator::XPath("//div[contains(@class,'cm-tooltip-autocomplete')]//li[.//*[contains(., 'entity:aliexpress')]][1]"))
            .await
            .unwrap();
        item.click().await.unwrap();
        until(&client, "the IRI inserted", "window.stratagraphEditor.state.doc.toString().includes('entity:aliexpress')").await;

        // Usable at phone width: nothing wider than the screen.
        client.set_window_size(390, 844).await.unwrap();
        client.goto(&format!("{base}#describe/{}", crate::serve::encode("https://w3id.org/stratagraph/id/choice"))).await.unwrap();
        until(&client, "Choice described", "document.getElementById('describe-title')?.textContent.includes('Choice')").await;
        let overflow = client
            .execute("return document.documentElement.scrollWidth - window.innerWidth;", vec![])
            .await
            .unwrap();
        assert!(overflow.as_f64().unwrap() <= 1.0, "the page is wider than a phone: {overflow}");
        shot(&client, &shots, "phone").await;
        client.close().await.unwrap();
    });
}
