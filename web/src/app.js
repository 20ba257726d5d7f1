// The stratagraph web page: search and describe, paths, graph views, reports and a SPARQL
// editor, all over the server's own API (/api/...) and SPARQL endpoint (/sparql). Nothing
// is fetched from anywhere else.

import cytoscape from 'cytoscape';
import dagre from 'cytoscape-dagre';
import { EditorView, basicSetup } from 'codemirror';
import { StreamLanguage } from '@codemirror/language';
import { sparql } from '@codemirror/legacy-modes/mode/sparql';
import { autocompletion } from '@codemirror/autocomplete';

cytoscape.use(dagre);

const state = { lang: 'en', info: { prefixes: {}, groups: [] }, graphs: {}, editor: null, lastGraph: null };
const $ = (id) => document.getElementById(id);

// ---- small helpers -------------------------------------------------------------------

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'onclick') node.addEventListener('click', value);
    else if (value !== undefined && value !== null) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const type = response.headers.get('content-type') || '';
  const body = type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) {
    const message = typeof body === 'string' ? body.trim() : [body.error, body.hint].filter(Boolean).join(' — ');
    const error = new Error(message || `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, value);
  }
  search.set('lang', state.lang);
  return search.toString();
}

function compact(iri) {
  let best = null;
  for (const [prefix, namespace] of Object.entries(state.info.prefixes)) {
    if (iri.startsWith(namespace) && (!best || namespace.length > best[1].length)) best = [prefix, namespace];
  }
  return best ? `${best[0]}:${iri.slice(best[1].length)}` : iri;
}

function isEntity(iri) {
  const namespace = state.info.prefixes.entity;
  return namespace && iri.startsWith(namespace);
}

function entityLink(iri, label) {
  return el('a', { href: `#describe/${encodeURIComponent(iri)}` }, label || compact(iri));
}

function setStatus(id, text, isError = false) {
  const node = $(id);
  node.textContent = text;
  node.classList.toggle('error', isError);
}

function names(node) {
  const other = state.lang === 'zh' ? node.en : node.zh;
  return other && other !== node.label ? `${node.label} · ${other}` : node.label;
}

// ---- views and routing -----------------------------------------------------------------

function show(view) {
  for (const section of document.querySelectorAll('.view')) section.hidden = section.id !== `view-${view}`;
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('active', link.dataset.view === view);
  if (view === 'sparql') ensureEditor();
}

async function route() {
  const [view, argument] = location.hash.replace(/^#/, '').split('/');
  const value = argument ? decodeURIComponent(argument) : '';
  try {
    switch (view) {
      case 'describe': show('search'); await describe(value); break;
      case 'path': show('path'); break;
      case 'graph': show('graph'); if (value) { $('graph-entity').value = value; await drawAround(value); } break;
      case 'reports': show('reports'); await listReports(); if (value) await runReport(value); break;
      case 'sparql': show('sparql'); break;
      default: show('search');
    }
  } catch (error) {
    console.error(error);
  }
}

// ---- search and describe ---------------------------------------------------------------

async function search(text) {
  const list = $('search-results');
  list.replaceChildren();
  $('describe').replaceChildren();
  let hits;
  try {
    hits = await api(`/api/search?${query({ q: text, limit: 20 })}`);
  } catch (error) {
    list.append(el('li', { class: 'status error' }, error.message));
    return;
  }
  if (hits.length === 0) list.append(el('li', { class: 'status' }, `No entity matches “${text}”.`));
  for (const hit of hits) {
    const label = [hit.en, hit.zh].filter(Boolean).filter((v, i, a) => a.indexOf(v) === i).join(' · ');
    list.append(el('li', {}, entityLink(hit.iri, label || compact(hit.iri)), ' ',
      el('span', { class: 'how' }, `${hit.matched} (${hit.how})`)));
  }
  // One hit, or one exact match ahead of the rest: describe it at once.
  const exact = hits.length > 0 && hits[0].score >= 1 && (hits.length === 1 || hits[1].score < 1);
  if (exact) await describe(hits[0].iri);
}

function evidenceBlock(evidence) {
  const parts = [];
  if (evidence.quote) parts.push(el('q', {}, evidence.quote));
  const source = [evidence.source_title || (evidence.source && compact(evidence.source)), evidence.source_date].filter(Boolean).join(', ');
  if (source) parts.push(' — ', source);
  const when = [evidence.start && `since ${evidence.start}`, evidence.end && `until ${evidence.end}`].filter(Boolean).join(', ');
  if (when) parts.push(` (${when})`);
  if (evidence.claimed_by) parts.push(el('span', { class: 'claim' }, ` claimed by ${evidence.claimed_by_label || compact(evidence.claimed_by)}`));
  if (evidence.note) parts.push(el('div', {}, evidence.note));
  return el('div', { class: 'evidence' }, parts);
}

async function describe(iri) {
  const box = $('describe');
  box.replaceChildren(el('p', { class: 'status' }, 'Loading…'));
  let d;
  try {
    d = await api(`/api/describe?${query({ entity: iri })}`);
  } catch (error) {
    box.replaceChildren(el('p', { class: 'status error' }, error.message));
    return;
  }
  const title = [d.en, d.zh].filter(Boolean).filter((v, i, a) => a.indexOf(v) === i).join(' · ') || compact(d.iri);
  const out = [
    el('h2', { id: 'describe-title' }, title),
    el('p', { class: 'meta' }, compact(d.iri), d.class_labels.length ? ` — ${d.class_labels.join(', ')}` : '',
      d.aliases.length ? ` — also ${d.aliases.join(', ')}` : ''),
  ];
  if (d.description) out.push(el('p', {}, d.description));
  out.push(el('p', { class: 'row' },
    el('a', { href: `#graph/${encodeURIComponent(d.iri)}` }, 'Draw its neighbourhood'),
    el('a', { href: '#path', onclick: () => { $('path-from').value = d.en || d.zh || compact(d.iri); } }, 'Find routes from here')));
  let group = undefined;
  for (const relation of d.relations) {
    const heading = relation.group_label || (state.lang === 'zh' ? '其他关系' : 'other relations');
    if (heading !== group) { out.push(el('h3', {}, heading)); group = heading; }
    const arrow = relation.direction === 'out' ? `—${relation.property_label}→ ` : `←${relation.property_label}— `;
    out.push(el('div', { class: 'fact relation' },
      el('span', { class: 'arrow' }, arrow), entityLink(relation.other, relation.other_label),
      relation.asserted ? null : el('span', { class: 'claim' }, ' (a claim)'),
      relation.evidence.map(evidenceBlock)));
  }
  if (d.attributes.length) {
    out.push(el('h3', {}, state.lang === 'zh' ? '属性' : 'attributes'));
    for (const attribute of d.attributes) {
      out.push(el('div', { class: 'fact' }, `${attribute.property_label}: ${attribute.value}`, attribute.evidence.map(evidenceBlock)));
    }
  }
  if (d.figures.length) {
    out.push(el('h3', {}, state.lang === 'zh' ? '数据' : 'figures'));
    for (const figure of d.figures) {
      const value = [figure.qualifier, figure.value, figure.unit].filter(Boolean).join(' ');
      const when = figure.date || figure.period;
      out.push(el('div', { class: 'fact' }, `${figure.metric_label}: ${value}${when ? ` (${when})` : ''}`,
        figure.context_label ? ` in ${figure.context_label}` : '', evidenceBlock(figure.evidence)));
    }
  }
  box.replaceChildren(...out);
}

// ---- entity name completion (both languages) -------------------------------------------

let suggestTimer = null;
function suggestNames(text) {
  clearTimeout(suggestTimer);
  if (!text || text.length < 1) return;
  suggestTimer = setTimeout(async () => {
    try {
      const hits = await api(`/api/search?${query({ q: text, limit: 10 })}`);
      const options = new Set();
      for (const hit of hits) for (const name of [hit.en, hit.zh, hit.matched]) if (name) options.add(name);
      $('entity-names').replaceChildren(...[...options].map((name) => el('option', { value: name })));
    } catch (error) { /* completion is a convenience */ }
  }, 150);
}

// ---- graphs ----------------------------------------------------------------------------

function draw(containerId, elements) {
  if (state.graphs[containerId]) state.graphs[containerId].destroy();
  const cy = cytoscape({
    container: $(containerId),
    elements,
    style: [
      { selector: 'node', style: {
        'background-color': 'data(colour)', label: 'data(label)', 'font-size': 11, 'text-valign': 'center',
        'text-halign': 'center', 'text-wrap': 'wrap', 'text-max-width': 90, width: 'label', height: 'label',
        padding: 8, shape: 'round-rectangle', 'border-width': 1, 'border-color': '#8892a6' } },
      { selector: 'edge', style: {
        label: 'data(label)', 'font-size': 9, color: '#5b6475', 'curve-style': 'bezier', 'target-arrow-shape': 'triangle',
        width: 1.3, 'line-color': '#aab3c5', 'target-arrow-color': '#aab3c5', 'text-background-color': '#fff',
        'text-background-opacity': 0.8, 'text-background-padding': 1 } },
    ],
    layout: { name: 'dagre', rankDir: 'LR', nodeSep: 18, rankSep: 60 },
    wheelSensitivity: 0.3,
    minZoom: 0.15,
    maxZoom: 1.4,
  });
  cy.on('tap', 'node', (event) => { location.hash = `#describe/${encodeURIComponent(event.target.data('iri'))}`; });
  state.graphs[containerId] = cy;
  window.stratagraphGraphs = state.graphs;
  return cy;
}

function showGraph(elements, svgSource) {
  const cy = draw('graph-canvas', elements);
  const nodes = cy.nodes().length;
  const edges = cy.edges().length;
  setStatus('graph-summary', `${nodes} ${nodes === 1 ? 'entity' : 'entities'}, ${edges} ${edges === 1 ? 'relation' : 'relations'}`);
  const classes = new Map();
  cy.nodes().forEach((node) => classes.set(node.data('class') || '—', node.data('colour')));
  $('graph-legend').replaceChildren(...[...classes].map(([name, colour]) =>
    el('span', {}, el('i', { style: `background:${colour}` }), name)));
  state.lastGraph = svgSource;
  $('graph-svg').href = typeof svgSource === 'string' ? svgSource : '#';
}

async function drawAround(entity) {
  const depth = $('graph-depth').value || 1;
  setStatus('graph-summary', 'Drawing…');
  try {
    const elements = await api(`/api/export?${query({ format: 'cytoscape', around: entity, depth })}`);
    showGraph(elements.elements, `/api/export?${query({ format: 'svg', around: entity, depth })}`);
  } catch (error) {
    setStatus('graph-summary', error.message, true);
  }
}

async function drawConstruct(text) {
  setStatus('graph-summary', 'Drawing…');
  try {
    const options = { method: 'POST', headers: { 'Content-Type': 'application/sparql-query' }, body: text };
    const elements = await api(`/api/export?${query({ format: 'cytoscape' })}`, options);
    const svg = await fetch(`/api/export?${query({ format: 'svg' })}`, options).then((r) => r.blob());
    showGraph(elements.elements, URL.createObjectURL(svg));
  } catch (error) {
    setStatus('graph-summary', error.message, true);
  }
}

function savePng() {
  const cy = state.graphs['graph-canvas'];
  if (!cy) return;
  const link = el('a', { href: cy.png({ full: true, bg: '#ffffff', scale: 2 }), download: 'stratagraph.png' });
  document.body.append(link);
  link.click();
  link.remove();
}

// ---- paths -----------------------------------------------------------------------------

function viaGroups() {
  return [...document.querySelectorAll('#path-via input:checked')].map((box) => box.value).join(',');
}

function routeLine(path) {
  const parts = [entityLink(path.nodes[0].iri, path.nodes[0].label)];
  path.edges.forEach((edge, i) => {
    const arrow = edge.direction === 'forward' ? ` —${edge.property_label}→ ` : ` ←${edge.property_label}— `;
    parts.push(el('span', { class: 'arrow' }, arrow), entityLink(path.nodes[i + 1].iri, path.nodes[i + 1].label));
  });
  return parts;
}

async function findRoutes() {
  const from = $('path-from').value.trim();
  const to = $('path-to').value.trim();
  const k = $('path-k').value || 1;
  const via = viaGroups();
  $('path-results').replaceChildren();
  setStatus('path-status', 'Searching…');
  try {
    const reply = await api(`/api/path?${query({ from, to, k, via })}`);
    setStatus('path-status', `${reply.paths.length} route${reply.paths.length === 1 ? '' : 's'} from ${names(reply.from)} to ${names(reply.to)}`);
    $('path-results').replaceChildren(...reply.paths.map((path) =>
      el('li', {}, `(${path.length} hop${path.length === 1 ? '' : 's'}) `, routeLine(path))));
    const elements = await api(`/api/export?${query({ format: 'cytoscape', path: `${from},${to}`, k, via })}`);
    draw('path-graph', elements.elements);
  } catch (error) {
    setStatus('path-status', error.message, true);
    if (state.graphs['path-graph']) state.graphs['path-graph'].elements().remove();
  }
}

// ---- results tables (reports and SPARQL) -----------------------------------------------

function cell(term) {
  if (!term) return '';
  if (term.type === 'uri') return isEntity(term.value) ? entityLink(term.value) : compact(term.value);
  return term.value;
}

function resultsTable(results) {
  if (results.boolean !== undefined) return el('p', { class: 'boolean' }, results.boolean ? 'yes (true)' : 'no (false)');
  const variables = results.head.vars;
  const rows = results.results.bindings;
  return el('table', { class: 'table results' },
    el('thead', {}, el('tr', {}, variables.map((v) => el('th', {}, v)))),
    el('tbody', {}, rows.map((row) => el('tr', {}, variables.map((v) => el('td', {}, cell(row[v])))))),
    el('caption', {}, `${rows.length} row${rows.length === 1 ? '' : 's'}`));
}

async function listReports() {
  const body = document.querySelector('#reports-list tbody');
  if (body.children.length) return;
  const reports = await api(`/api/reports?${query({})}`);
  body.replaceChildren(...reports.map((report) => el('tr', { 'data-report': report.name },
    el('td', {}, report.name), el('td', {}, report.title),
    el('td', {}, el('button', { type: 'button', onclick: () => { location.hash = `#reports/${report.name}`; } }, 'Run')))));
}

async function runReport(name) {
  $('report-title').textContent = name;
  $('report-table').replaceChildren(el('p', { class: 'status' }, 'Running…'));
  try {
    const results = await api(`/api/reports/${encodeURIComponent(name)}/run?${query({})}`);
    $('report-table').replaceChildren(resultsTable(results));
    const base = `/api/reports/${encodeURIComponent(name)}/run?`;
    $('report-links').replaceChildren(
      el('a', { href: base + query({ format: 'csv' }), download: `${name}.csv` }, 'Download CSV'),
      el('a', { href: base + query({ format: 'markdown' }), download: `${name}.md` }, 'Download Markdown'));
  } catch (error) {
    $('report-table').replaceChildren(el('p', { class: 'status error' }, error.message));
  }
}

// ---- the SPARQL editor -----------------------------------------------------------------

async function completeEntities(context) {
  const word = context.matchBefore(/[\p{L}\p{N}_\-]+/u);
  if (!word || (word.from === word.to && !context.explicit)) return null;
  const text = context.state.sliceDoc(word.from, word.to);
  if (!text) return null;
  // Not for variables, prefixed names or keywords: only on request (Ctrl-Space), or for a
  // word of three letters or more (one Chinese character is enough) standing on its own.
  const before = word.from > 0 ? context.state.sliceDoc(word.from - 1, word.from) : ' ';
  if ('?$:<"\''.includes(before) && !context.explicit) return null;
  const chinese = /[\u4e00-\u9fff]/.test(text);
  if (!context.explicit && !chinese && text.length < 3) return null;
  let hits = [];
  try { hits = await api(`/api/search?${query({ q: text, limit: 12 })}`); } catch (error) { return null; }
  return {
    from: word.from,
    options: hits.map((hit) => ({
      label: hit.matched,
      detail: `${compact(hit.iri)}${hit.en && hit.zh ? ` (${hit.en} · ${hit.zh})` : ''}`,
      apply: compact(hit.iri),
      type: 'variable',
    })),
    filter: false,
  };
}

function ensureEditor() {
  if (state.editor) return;
  const start = 'SELECT ?platform ?name WHERE {\n  ?platform a sg:Platform ; rdfs:label ?name .\n  FILTER(LANG(?name) = "zh")\n}\nORDER BY ?name\nLIMIT 20';
  state.editor = new EditorView({
    doc: start,
    extensions: [basicSetup, StreamLanguage.define(sparql), autocompletion({ override: [completeEntities] })],
    parent: $('sparql-editor'),
  });
  window.stratagraphEditor = state.editor;
}

async function runSparql() {
  const text = state.editor.state.doc.toString();
  setStatus('sparql-status', 'Running…');
  $('sparql-results').replaceChildren();
  $('sparql-csv').hidden = true;
  const form = new URLSearchParams({ query: text });
  const accept = 'application/sparql-results+json, text/turtle;q=0.9';
  try {
    const response = await fetch('/sparql', { method: 'POST', body: form, headers: { Accept: accept } });
    const type = response.headers.get('content-type') || '';
    if (!response.ok) throw new Error((await response.text()).trim());
    if (type.includes('sparql-results+json')) {
      const results = await response.json();
      $('sparql-results').replaceChildren(resultsTable(results));
      const count = results.results ? results.results.bindings.length : 1;
      setStatus('sparql-status', results.results ? `${count} row${count === 1 ? '' : 's'}` : 'answered');
      if (results.results) {
        const csv = await fetch('/sparql', { method: 'POST', body: form, headers: { Accept: 'text/csv' } }).then((r) => r.blob());
        $('sparql-csv').href = URL.createObjectURL(csv);
        $('sparql-csv').hidden = false;
      }
    } else {
      $('sparql-results').replaceChildren(el('pre', {}, await response.text()));
      setStatus('sparql-status', 'a graph (Turtle); draw it in the Graph view');
    }
  } catch (error) {
    setStatus('sparql-status', error.message, true);
  }
}

// ---- start -----------------------------------------------------------------------------

async function start() {
  state.info = await api('/api/info');
  $('prefixes').textContent = Object.keys(state.info.prefixes).map((p) => `${p}:`).join(' ');
  $('footer').textContent = `stratagraph ${state.info.version} on ${state.info.store}, ${state.info.triples} triples`;
  $('path-via').append(...state.info.groups.map((group) =>
    el('label', {}, el('input', { type: 'checkbox', value: group.id }), group.en || group.id, group.zh ? ` · ${group.zh}` : '')));
  $('lang').addEventListener('change', () => { state.lang = $('lang').value; route(); });
  $('search-form').addEventListener('submit', (event) => { event.preventDefault(); search($('search-input').value.trim()); });
  $('path-form').addEventListener('submit', (event) => { event.preventDefault(); findRoutes(); });
  $('graph-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const entity = $('graph-entity').value.trim();
    if (location.hash === `#graph/${encodeURIComponent(entity)}`) drawAround(entity);
    else location.hash = `#graph/${encodeURIComponent(entity)}`;
  });
  $('graph-construct-go').addEventListener('click', () => drawConstruct($('graph-construct').value));
  $('graph-png').addEventListener('click', savePng);
  $('sparql-run').addEventListener('click', runSparql);
  for (const id of ['path-from', 'path-to', 'graph-entity']) $(id).addEventListener('input', (event) => suggestNames(event.target.value));
  window.addEventListener('hashchange', route);
  await route();
  document.body.dataset.ready = 'true';
}

start().catch((error) => {
  document.body.dataset.ready = 'error';
  $('footer').textContent = `The page could not start: ${error.message}`;
});
