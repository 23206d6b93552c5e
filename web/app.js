// The first page: pick or drop a CSV, choose time / event / group columns and
// covariates, run Kaplan–Meier, log-rank and Cox in the worker, show the
// results. Every number shown comes from the engine's result JSON.
import * as Plot from '@observablehq/plot';
import { EngineClient } from './client.js';
import { formatNumber, formatP } from './format.js';

const $ = (id) => document.getElementById(id);
const client = new EngineClient();
let described = null; // column summary from the engine
let fileName = '';

function setStatus(el, text, cls = '') {
  el.textContent = text;
  el.className = cls;
}

function describeError(error) {
  const where = [];
  if (error.line != null) where.push(`line ${error.line}`);
  if (error.column != null) where.push(`column ${error.column}`);
  if (error.field) where.push(`field "${error.field}"`);
  return error.message + (where.length ? ` (${where.join(', ')})` : '');
}

async function loadBytes(bytes, name) {
  fileName = name;
  setStatus($('data-status'), `Reading ${name}…`);
  const envelope = await client.load(bytes);
  if (!envelope.ok) {
    setStatus($('data-status'), `Could not read ${name}: ${describeError(envelope.error)}`, 'error');
    $('setup-section').hidden = true;
    return;
  }
  described = envelope.result;
  setStatus($('data-status'), `${name}: ${described.rows} rows, ${described.columns.length} columns.`);
  renderPreview(described);
  fillSetup(described);
  $('setup-section').hidden = false;
}

function renderPreview(d) {
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const c of d.columns) {
    const th = document.createElement('th');
    th.textContent = `${c.name} (${c.type}${c.missing ? `, ${c.missing} missing` : ''})`;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const row of d.preview) {
    const tr = body.insertRow();
    for (const cell of row) tr.insertCell().textContent = cell ?? 'NA';
  }
  $('preview').replaceChildren(table);
}

function option(value, label = value) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  return o;
}

function guess(columns, patterns) {
  for (const p of patterns) {
    const c = columns.find((col) => p.test(col.name));
    if (c) return c.name;
  }
  return columns[0]?.name ?? '';
}

function fillSetup(d) {
  const numeric = d.columns.filter((c) => c.type === 'numeric');
  const withLevels = d.columns.filter((c) => c.levels && c.levels.length <= 20);
  $('time-column').replaceChildren(...numeric.map((c) => option(c.name)));
  $('time-column').value = guess(numeric, [/^(os_)?time$/i, /months|days|time|futime/i]);
  $('event-column').replaceChildren(...withLevels.map((c) => option(c.name)));
  $('event-column').value = guess(withLevels, [/^status$/i, /death|event|dead|status/i]);
  $('group-column').replaceChildren(option('', '(none)'), ...withLevels.map((c) => option(c.name)));
  fillEventValues();
  const boxes = d.columns.map((c) => {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = c.name;
    box.name = 'covariate';
    label.append(box, ` ${c.name}`);
    return label;
  });
  $('covariates').replaceChildren(...boxes);
}

function fillEventValues() {
  const col = described.columns.find((c) => c.name === $('event-column').value);
  const levels = col?.levels ?? [];
  $('event-value').replaceChildren(...levels.map((l) => option(l)));
  // Usual event codings: "dead"/"event"/"yes" by name, else the largest code
  // (1 of 0/1, 2 of 1/2).
  const named = levels.find((l) => /^(dead|death|died|deceased|event|yes|true)$/i.test(l));
  if (levels.length) $('event-value').value = named ?? levels[levels.length - 1];
}

export function buildSpec() {
  const group = $('group-column').value;
  // The outcome and group columns cannot also be covariates.
  const taken = new Set([$('time-column').value, $('event-column').value, group]);
  const covariates = [...document.querySelectorAll('input[name=covariate]:checked')]
    .map((b) => b.value)
    .filter((name) => !taken.has(name));
  return {
    version: 1,
    time: { column: $('time-column').value, unit: $('time-unit').value },
    event: { column: $('event-column').value, values: [$('event-value').value] },
    ...(group ? { group: { column: group } } : {}),
    covariates: covariates.map((column) => ({ column })),
    analyses: {
      km: { conf_type: 'log' },
      followup: {},
      // A log-rank test needs groups; a Cox model at least one term.
      ...(group ? { logrank: {} } : {}),
      ...(group || covariates.length ? { cox: { ties: $('ties').value } } : {}),
    },
  };
}

async function run(event) {
  event.preventDefault();
  $('results-section').hidden = false;
  setStatus($('run-status'), 'Running…');
  $('run-button').disabled = true;
  $('cancel-button').disabled = false;
  const envelope = await client.run(buildSpec());
  $('run-button').disabled = false;
  $('cancel-button').disabled = true;
  if (envelope.cancelled) return setStatus($('run-status'), 'Cancelled.');
  if (!envelope.ok) return setStatus($('run-status'), `The analysis stopped: ${describeError(envelope.error)}`, 'error');
  renderResults(envelope.result);
  const c = envelope.result.cohort;
  setStatus($('run-status'), `Done: ${c.rows_used} of ${c.rows_available} rows used (${c.rows_dropped} dropped for missing values), ${c.events} events.`);
}

function table(headers, rows, caption) {
  const t = document.createElement('table');
  if (caption) t.createCaption().textContent = caption;
  const head = t.createTHead().insertRow();
  for (const h of headers) {
    const th = document.createElement('th');
    th.textContent = h;
    head.appendChild(th);
  }
  const body = t.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    for (const cell of r) tr.insertCell().textContent = cell;
  }
  return t;
}

function renderResults(result) {
  const r = result.results;
  $('warnings').replaceChildren(
    ...result.warnings.map((w) => {
      const p = document.createElement('p');
      p.className = 'warning';
      p.textContent = `Warning (${w.analysis}): ${w.message}`;
      return p;
    }),
  );
  renderKm(r.km, result.spec.time.unit);
  renderLogrank(r.logrank);
  renderCox(r.cox);
  $('conventions').replaceChildren(
    table(['analysis', 'convention'], Object.entries(r).flatMap(([name, a]) =>
      Object.entries(a.conventions ?? {}).map(([k, v]) => [`${name}: ${k}`, String(v)]))),
  );
}

function renderKm(km, unit) {
  if (!km) return $('km-plot').replaceChildren();
  const curves = km.by_group?.length ? km.by_group : [km.overall];
  const points = [];
  for (const c of curves) {
    points.push({ group: c.stratum, time: 0, surv: 1, lower: 1, upper: 1 });
    c.table.time.forEach((t, i) =>
      points.push({ group: c.stratum, time: t, surv: c.table.surv[i], lower: c.table.lower[i], upper: c.table.upper[i], censor: c.table.n_censor[i] > 0 }));
  }
  const plot = Plot.plot({
    width: 760,
    height: 420,
    x: { label: `Time (${unit})`, grid: true },
    y: { label: 'Survival probability', domain: [0, 1], grid: true },
    color: { legend: true, type: 'categorical', scheme: 'set1' },
    marks: [
      Plot.areaY(points.filter((p) => p.lower != null), { x: 'time', y1: 'lower', y2: 'upper', fill: 'group', fillOpacity: 0.12, curve: 'step-after' }),
      Plot.line(points, { x: 'time', y: 'surv', stroke: 'group', strokeWidth: 2, curve: 'step-after' }),
      // Censorings as R's plot.survfit marks them ('+'). Not tickY: its x must be
      // a band scale, which would space the distinct times evenly.
      Plot.dot(points.filter((p) => p.censor), { x: 'time', y: 'surv', stroke: 'group', symbol: 'plus', r: 3 }),
      Plot.ruleY([0]),
    ],
  });
  plot.setAttribute('role', 'img');
  plot.setAttribute('aria-label', 'Kaplan–Meier survival curves');
  $('km-plot').replaceChildren(plot);
  $('km-table').replaceChildren(
    table(['group', 'n', 'events', 'median (95% CI)'], curves.map((c) => [
      c.stratum, c.n, c.events,
      `${formatNumber(c.median.estimate)} (${formatNumber(c.median.lower)}–${formatNumber(c.median.upper)})`,
    ])),
  );
}

function renderLogrank(lr) {
  const t = lr?.by_group;
  if (!t) return $('logrank').replaceChildren();
  $('logrank').replaceChildren(
    table(['group', 'n', 'observed', 'expected'], t.groups.map((g, i) => [g, t.n[i], formatNumber(t.observed[i]), formatNumber(t.expected[i], 2)])),
    Object.assign(document.createElement('p'), {
      id: 'logrank-p',
      textContent: `χ² = ${formatNumber(t.statistic, 3)}, df = ${t.df}, p = ${formatP(t.p)}`,
    }),
  );
}

function renderCox(cox) {
  if (!cox) return $('cox').replaceChildren();
  const rows = [];
  const fits = [...(cox.univariate ?? []).map((f) => ['univariate', f]), ...(cox.multivariable ? [['multivariable', cox.multivariable]] : [])];
  for (const [kind, f] of fits) {
    const c = f.coefficients;
    c.name.forEach((name, i) =>
      rows.push([kind, name, formatNumber(c.hr[i], 3), `${formatNumber(c.lower[i], 3)}–${formatNumber(c.upper[i], 3)}`, formatP(c.p[i]), `${f.n} (${f.nevent})`]));
  }
  const t = table(['model', 'term', 'HR', '95% CI', 'p', 'n (events)'], rows, `Cox model, ties = ${cox.conventions.ties}`);
  t.id = 'cox-table';
  $('cox').replaceChildren(t);
}

function setupDrop() {
  const zone = $('drop-zone');
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', async (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const file = e.dataTransfer.files[0];
    if (file) await loadBytes(new Uint8Array(await file.arrayBuffer()), file.name);
  });
  $('file-input').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    if (file) await loadBytes(new Uint8Array(await file.arrayBuffer()), file.name);
  });
  $('example-button').addEventListener('click', async () => {
    const res = await fetch(new URL('examples/lung.csv', document.baseURI));
    await loadBytes(new Uint8Array(await res.arrayBuffer()), 'lung.csv (example)');
  });
}

setupDrop();
$('event-column').addEventListener('change', fillEventValues);
$('setup-form').addEventListener('submit', run);
$('cancel-button').addEventListener('click', () => {
  client.cancel();
  $('run-button').disabled = false;
  $('cancel-button').disabled = true;
});
