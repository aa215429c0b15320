// Chief monitor dashboard: a small single-page app over the monitor's HTTP API (/v1). It polls
// with fetch every few seconds, never injects API text as HTML (job names and messages come
// from clients), and asks for the API key once when the monitor wants one.
'use strict';

const POLL_MS = 4000;
const KEY_STORAGE = 'chiefMonitorApiKey';
const PAGE_SIZE = 50;

// ---- DOM helpers -----------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function badge(text, kind) {
  return el('span', { class: 'badge ' + (kind || text) }, text);
}

function jobLink(name, host) {
  const query = host ? '?host=' + encodeURIComponent(host) : '';
  return el('a', { href: '#/jobs/' + encodeURIComponent(name) + query }, name);
}

// ---- time ------------------------------------------------------------------------------------

function parseTime(iso) {
  if (!iso) return null;
  const date = new Date(iso);
  return isNaN(date.getTime()) ? null : date;
}

function relative(date) {
  if (!date) return '';
  const seconds = Math.round((date.getTime() - Date.now()) / 1000);
  const abs = Math.abs(seconds);
  let text;
  if (abs < 60) text = abs + ' s';
  else if (abs < 3600) text = Math.round(abs / 60) + ' min';
  else if (abs < 86400 * 2) text = Math.round(abs / 3600) + ' h';
  else text = Math.round(abs / 86400) + ' d';
  return seconds >= 0 ? 'in ' + text : text + ' ago';
}

function formatIn(date, timeZone) {
  if (!date) return '';
  const options = { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' };
  try {
    return new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: timeZone || undefined }, options)).format(date);
  } catch (error) {
    // An unknown zone name: show the viewer's time rather than nothing.
    return new Intl.DateTimeFormat(undefined, options).format(date);
  }
}

function when(iso) {
  const date = parseTime(iso);
  if (!date) return el('span', { class: 'muted' }, '—');
  return el('span', { title: iso }, formatIn(date) + ' ', el('span', { class: 'muted small' }, '(' + relative(date) + ')'));
}

function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return ms + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  if (ms < 3600000) return (ms / 60000).toFixed(1) + ' min';
  return (ms / 3600000).toFixed(1) + ' h';
}

// ---- the API ---------------------------------------------------------------------------------

class Unauthorized extends Error {}

async function api(path, options) {
  const headers = { Accept: 'application/json' };
  const key = localStorage.getItem(KEY_STORAGE);
  if (key) headers['x-api-key'] = key;
  if (options && options.body) headers['Content-Type'] = 'application/json';
  const response = await fetch('/v1' + path, Object.assign({ headers, cache: 'no-store' }, options || {}));
  if (response.status === 401) throw new Unauthorized();
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error((body && body.error) || ('HTTP ' + response.status));
  return body;
}

let askingForKey = null;
function askForKey(wrong) {
  if (askingForKey) return askingForKey;
  const dialog = document.getElementById('key-dialog');
  const input = document.getElementById('key-input');
  document.getElementById('key-error').textContent = wrong ? 'That key was not accepted.' : '';
  askingForKey = new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      localStorage.setItem(KEY_STORAGE, input.value.trim());
      askingForKey = null;
      resolve();
    }, { once: true });
  });
  dialog.showModal();
  input.focus();
  return askingForKey;
}

// Runs `load` until it gets past authorization.
async function withKey(load) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await load();
    } catch (error) {
      if (!(error instanceof Unauthorized)) throw error;
      await askForKey(attempt > 0 || Boolean(localStorage.getItem(KEY_STORAGE)));
    }
  }
}

function setStatus(text, isError) {
  const node = document.getElementById('poll-status');
  node.textContent = text;
  node.className = 'status' + (isError ? ' error' : '');
}

// ---- charts ----------------------------------------------------------------------------------

function sparkline(runs) {
  const width = 120;
  const height = 24;
  const box = svg('svg', { class: 'sparkline', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' });
  if (!runs || runs.length === 0) return el('span', { class: 'muted small' }, 'no runs yet');
  const max = Math.max(1, ...runs.map((run) => run.durationMs || 0));
  const step = width / Math.max(runs.length, 10);
  runs.forEach((run, index) => {
    const barHeight = Math.max(2, Math.round(((run.durationMs || 0) / max) * (height - 2)));
    const rect = svg('rect', { x: (index * step).toFixed(1), y: height - barHeight, width: Math.max(1, step - 2).toFixed(1), height: barHeight, class: run.success ? 'ok' : 'fail' });
    rect.append(svg('title', {}, `${run.success ? 'success' : 'failure'} · ${duration(run.durationMs)} · ${run.endedAt}`));
    box.append(rect);
  });
  box.setAttribute('aria-label', `last ${runs.length} runs`);
  return box;
}

function runChart(runs) {
  const width = 720;
  const height = 200;
  const left = 56;
  const bottom = 22;
  const chart = svg('svg', { class: 'chart', id: 'run-chart', width: '100%', height, viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': 'recent runs: duration, coloured by result' });
  const max = Math.max(1, ...runs.map((run) => run.durationMs || 0));
  const plotWidth = width - left - 8;
  const plotHeight = height - bottom - 10;
  chart.append(svg('line', { x1: left, y1: 10, x2: left, y2: 10 + plotHeight }));
  chart.append(svg('line', { x1: left, y1: 10 + plotHeight, x2: width - 8, y2: 10 + plotHeight }));
  chart.append(svg('text', { x: 4, y: 16 }, duration(max)));
  chart.append(svg('text', { x: 4, y: 10 + plotHeight }, '0'));
  const step = plotWidth / Math.max(runs.length, 1);
  runs.forEach((run, index) => {
    const barHeight = Math.max(2, ((run.durationMs || 0) / max) * plotHeight);
    const rect = svg('rect', { x: (left + index * step + 1).toFixed(1), y: (10 + plotHeight - barHeight).toFixed(1), width: Math.max(1, step - 2).toFixed(1), height: barHeight.toFixed(1), class: run.success ? 'ok' : 'fail' });
    rect.append(svg('title', {}, `${run.success ? 'success' : 'failure'}, ${duration(run.durationMs)}, ended ${run.endedAt}`));
    chart.append(rect);
  });
  if (runs.length > 0) {
    chart.append(svg('text', { x: left, y: height - 6 }, formatIn(parseTime(runs[0].endedAt))));
    chart.append(svg('text', { x: width - 8, y: height - 6, 'text-anchor': 'end' }, formatIn(parseTime(runs[runs.length - 1].endedAt))));
  }
  return chart;
}

// ---- tables ----------------------------------------------------------------------------------

function table(headers, rows, empty) {
  if (rows.length === 0) return el('p', { class: 'muted' }, empty);
  return el('table', {}, el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))), el('tbody', {}, rows));
}

function eventRows(events, showJob) {
  return events.map((event) => el('tr', { 'data-event-id': event.id },
    el('td', { class: 'small' }, when(event.eventAt)),
    el('td', {}, badge(event.level)),
    el('td', {}, el('code', {}, event.eventType)),
    showJob ? el('td', {}, event.jobName ? jobLink(event.jobName, event.host) : el('span', { class: 'muted' }, '—')) : null,
    el('td', {}, event.host || el('span', { class: 'muted' }, '—')),
    el('td', { class: 'msg' }, event.message, event.success === false ? ' ' : null, event.success === false ? badge('failure') : null),
    el('td', { class: 'num' }, event.durationMs !== null ? duration(event.durationMs) : '')));
}

function eventTable(events, showJob) {
  return table(['When', 'Level', 'Type', showJob ? 'Job' : null, 'Host', 'Message', 'Duration'].filter(Boolean),
    eventRows(events, showJob), 'No events.');
}

// ---- views -----------------------------------------------------------------------------------

// Each view: build() once per navigation (controls that must survive polling), refresh()
// on every poll (the data).
const views = {};

views.overview = {
  build(root) {
    root.append(el('h1', {}, 'Overview'), el('div', { id: 'overview' }));
  },
  async refresh(isCurrent) {
    const summary = await api('/status/summary');
    if (!isCurrent()) return;
    const byStatus = Object.fromEntries(summary.checks.map((c) => [c.status, c.count]));
    const byType = Object.fromEntries(summary.activeAlerts.map((a) => [a.alertType, a.count]));
    const openTotal = summary.activeAlerts.reduce((sum, a) => sum + a.count, 0);
    const online = summary.hosts.filter((h) => h.online).length;
    const card = (label, value, kind, id) => el('div', { class: 'card ' + (kind || ''), id }, el('div', { class: 'label' }, label), el('div', { class: 'value' }, value));
    const container = document.getElementById('overview');
    container.replaceChildren(
      el('div', { class: 'cards' },
        card('Up', byStatus.UP || 0, 'up', 'checks-up'), card('Late', byStatus.LATE || 0, 'late', 'checks-late'),
        card('Down', byStatus.DOWN || 0, 'down', 'checks-down'), card('Open alerts', openTotal, openTotal ? 'down' : '', 'open-alerts'),
        card('Hosts online', `${online} / ${summary.hosts.length}`, '', 'hosts-online'), card('Events stored', summary.totalEvents, '', 'total-events')),
      el('div', { class: 'grid2' },
        el('div', {}, el('h2', {}, 'Open alerts by type'),
          table(['Type', 'Open'], Object.entries(byType).map(([type, count]) => el('tr', {}, el('td', {}, el('a', { href: '#/alerts?status=OPEN&alertType=' + type }, badge(type))), el('td', { class: 'num' }, count))), 'No open alerts.')),
        el('div', {}, el('h2', {}, 'chiefd hosts'),
          table(['Host', 'State', 'Last heartbeat'], summary.hosts.map((h) => el('tr', { 'data-host': h.host },
            el('td', {}, h.host || '(unnamed)'), el('td', {}, badge(h.online ? 'online' : 'offline')), el('td', {}, when(h.lastHeartbeatAt)))), 'No chiefd heartbeat received yet.'))),
      el('p', { class: 'muted small' }, 'Latest event: ', summary.latestEventAt ? when(summary.latestEventAt) : 'none yet'));
  },
};

views.jobs = {
  build(root) {
    root.append(el('h1', {}, 'Jobs'),
      el('div', { class: 'filters' },
        el('label', {}, 'Search', el('input', { id: 'job-search', type: 'search', placeholder: 'job or host', oninput: () => views.jobs.render() })),
        el('label', {}, 'Status', el('select', { id: 'job-status', onchange: () => views.jobs.render() },
          el('option', { value: '' }, 'any'), ['UP', 'LATE', 'DOWN'].map((s) => el('option', { value: s }, s))))),
      el('div', { id: 'jobs' }));
  },
  async refresh(isCurrent) {
    const { jobs } = await api('/status/jobs');
    if (!isCurrent()) return;
    this.jobs = jobs;
    this.render();
  },
  render() {
    if (!this.jobs) return;
    const search = document.getElementById('job-search').value.trim().toLowerCase();
    const status = document.getElementById('job-status').value;
    const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const rows = this.jobs
      .filter((job) => !status || job.status === status)
      .filter((job) => !search || job.jobName.toLowerCase().includes(search) || (job.host || '').toLowerCase().includes(search))
      .map((job) => {
        const next = parseTime(job.expectedNextAt);
        return el('tr', { 'data-job': job.jobName, 'data-host': job.host },
          el('td', {}, badge(job.status)),
          el('td', {}, jobLink(job.jobName, job.host)),
          el('td', {}, job.host || el('span', { class: 'muted' }, '—')),
          el('td', { class: 'small' }, next ? [
            el('div', {}, formatIn(next, job.timezone), job.timezone ? el('span', { class: 'muted' }, ' ' + job.timezone) : null),
            job.timezone && job.timezone !== viewerZone ? el('div', { class: 'muted' }, formatIn(next) + ' (yours)') : null,
            el('div', { class: 'muted' }, relative(next))] : el('span', { class: 'muted' }, 'not expected')),
          el('td', {}, job.lastResult ? badge(job.lastResult) : el('span', { class: 'muted' }, '—'),
            job.consecutiveFailures > 1 ? el('span', { class: 'small muted' }, ` ×${job.consecutiveFailures}`) : null),
          el('td', { class: 'num' }, duration(job.lastDurationMs)),
          el('td', {}, sparkline(job.recentRuns)),
          el('td', { class: 'small msg' }, job.latestEvent ? [el('code', {}, job.latestEvent.eventType), ' ', relative(parseTime(job.latestEvent.eventAt))] : ''));
      });
    document.getElementById('jobs').replaceChildren(
      table(['Status', 'Job', 'Host', 'Next expected run', 'Last result', 'Last duration', 'Recent runs', 'Latest event'], rows,
        this.jobs.length ? 'No job matches.' : 'No jobs yet: chiefd creates one per job when it sends telemetry.'));
  },
};

views.job = {
  build(root, params) {
    this.name = params.name;
    this.host = params.query.get('host');
    root.append(el('p', {}, el('a', { href: '#/jobs' }, '← Jobs')), el('h1', {}, 'Job ', el('code', { id: 'job-name' }, this.name)), el('div', { id: 'job' }));
  },
  async refresh(isCurrent) {
    const query = this.host !== null ? '?host=' + encodeURIComponent(this.host) : '';
    let detail;
    try {
      detail = await api('/status/jobs/' + encodeURIComponent(this.name) + query);
    } catch (error) {
      if (error instanceof Unauthorized) throw error;
      if (isCurrent()) document.getElementById('job').replaceChildren(el('p', { class: 'error' }, error.message));
      return;
    }
    if (!isCurrent()) return;
    const check = detail.check;
    const next = parseTime(check.expectedNextAt);
    const facts = [
      ['Status', badge(check.status)],
      ['Host', check.host || '(unnamed)'],
      ['Other hosts', detail.hosts.length > 1
        ? detail.hosts.filter((h) => h !== check.host).map((h) => [el('a', { href: '#/jobs/' + encodeURIComponent(this.name) + '?host=' + encodeURIComponent(h) }, h || '(unnamed)'), ' '])
        : '—'],
      ['Next expected run', next ? [formatIn(next, check.timezone), check.timezone ? ` (${check.timezone})` : '', ' · yours: ', formatIn(next), ' · ', relative(next)] : 'not expected'],
      ['Last heartbeat', when(check.lastHeartbeatAt)],
      ['Last success', when(check.lastSuccessAt)],
      ['Last failure', when(check.lastFailureAt)],
      ['Consecutive failures', check.consecutiveFailures],
      ['Grace', check.graceSeconds + ' s'],
      ['Max runtime', check.maxRuntimeSeconds ? check.maxRuntimeSeconds + ' s' : '—'],
      ['Alerts', `${check.enabled ? 'enabled' : 'check disabled'}; on failure ${check.alertOnFailure ? 'yes' : 'no'}, on miss ${check.alertOnMiss ? 'yes' : 'no'}`],
      ['Running now', check.runningRuns.length ? check.runningRuns.map((r) => `${r.runId} since ${formatIn(parseTime(r.startedAt))}`).join(', ') : '—'],
    ];
    document.getElementById('job').replaceChildren(
      el('dl', { class: 'facts' }, facts.map(([label, value]) => [el('dt', {}, label), el('dd', {}, value)])),
      el('h2', {}, 'Recent runs'),
      check.recentRuns.length ? runChart(check.recentRuns) : el('p', { class: 'muted' }, 'No finished run yet.'),
      el('h2', {}, 'Open alerts'),
      alertTable(detail.openAlerts, false),
      el('h2', {}, 'Events'),
      eventTable(detail.events, false));
  },
};

// The alert being closed: its reason input survives polling.
let closing = null;

function alertTable(alerts, showJob) {
  const rows = alerts.map((alert) => {
    const actions = el('td', {});
    if (alert.status === 'OPEN') {
      if (closing && closing.id === alert.id) {
        actions.append(closing.form);
      } else {
        actions.append(el('button', { class: 'secondary close-alert', 'data-alert-id': alert.id, onclick: () => startClosing(alert.id) }, 'Close'));
      }
    } else {
      actions.append(el('span', { class: 'small muted' }, alert.closeReason || ''));
    }
    return el('tr', { 'data-alert-id': alert.id },
      el('td', {}, badge(alert.alertType)),
      el('td', {}, badge(alert.status)),
      showJob ? el('td', {}, jobLink(alert.jobName, alert.host)) : null,
      el('td', {}, alert.host || el('span', { class: 'muted' }, '—')),
      el('td', { class: 'msg' }, alert.title),
      el('td', { class: 'small' }, when(alert.openedAt)),
      el('td', { class: 'small' }, alert.closedAt ? when(alert.closedAt) : ''),
      actions);
  });
  return table(['Type', 'Status', showJob ? 'Job' : null, 'Host', 'Title', 'Opened', 'Closed', ''].filter((h) => h !== null), rows, 'No alerts.');
}

function startClosing(id) {
  const input = el('input', { class: 'close-reason', placeholder: 'reason (optional)', maxlength: 200 });
  const form = el('form', { class: 'closeform', onsubmit: async (event) => {
    event.preventDefault();
    try {
      await api(`/alerts/${id}/close`, { method: 'POST', body: JSON.stringify(input.value.trim() ? { reason: input.value.trim() } : {}) });
      closing = null;
      setStatus(`Alert ${id} closed`);
    } catch (error) {
      setStatus(error.message, true);
    }
    refreshNow();
  } }, input, el('button', { type: 'submit', class: 'confirm-close' }, 'Close alert'),
  el('button', { type: 'button', class: 'secondary', onclick: () => { closing = null; refreshNow(); } }, 'Cancel'));
  closing = { id, form };
  refreshNow().then(() => input.focus());
}

views.alerts = {
  // Filter controls are "alert-<query parameter>".
  build(root, params) {
    const select = (name, label, options) => el('label', {}, label, el('select', { id: 'alert-' + name, onchange: () => { this.offset = 0; refreshNow(); } },
      el('option', { value: '' }, 'any'), options.map((o) => el('option', { value: o, selected: params.query.get(name) === o }, o))));
    this.offset = 0;
    root.append(el('h1', {}, 'Alerts'),
      el('div', { class: 'filters' },
        select('status', 'Status', ['OPEN', 'CLOSED']),
        select('alertType', 'Type', ['FAILURE', 'MISSED', 'RECOVERY', 'RUNNING_TOO_LONG']),
        select('severity', 'Severity', ['INFO', 'WARN', 'ERROR', 'CRITICAL']),
        el('label', {}, 'Job', el('input', { id: 'alert-jobName', type: 'search', value: params.query.get('jobName') || '', onchange: () => { this.offset = 0; refreshNow(); } }))),
      el('div', { id: 'alerts' }),
      pager(this));
  },
  async refresh(isCurrent) {
    const query = new URLSearchParams({ limit: PAGE_SIZE, offset: this.offset });
    for (const name of ['status', 'alertType', 'severity', 'jobName']) {
      const value = document.getElementById('alert-' + name).value.trim();
      if (value) query.set(name, value);
    }
    const { alerts } = await api('/alerts?' + query);
    if (!isCurrent()) return;
    this.count = alerts.length;
    document.getElementById('alerts').replaceChildren(alertTable(alerts, true));
    updatePager(this);
  },
};

views.events = {
  build(root, params) {
    // Filter controls are "event-<query parameter>".
    const input = (name, label, placeholder) => el('label', {}, label, el('input', { id: 'event-' + name, placeholder, value: params.query.get(name) || '', onchange: () => { this.offset = 0; refreshNow(); } }));
    this.offset = 0;
    root.append(el('h1', {}, 'Events'),
      el('div', { class: 'filters' },
        input('jobName', 'Job', 'exact name'),
        input('eventType', 'Type', 'job.failed'),
        el('label', {}, 'Level', el('select', { id: 'event-level', onchange: () => { this.offset = 0; refreshNow(); } },
          el('option', { value: '' }, 'any'), ['DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL'].map((l) => el('option', { value: l, selected: params.query.get('level') === l }, l)))),
        input('scriptPath', 'Script', '/path/to/script'),
        input('host', 'Host', ''),
        input('from', 'From', '2026-01-01T00:00:00Z'),
        input('to', 'To', '2026-12-31T23:59:59Z')),
      el('div', { id: 'events' }),
      pager(this));
  },
  async refresh(isCurrent) {
    const query = new URLSearchParams({ limit: PAGE_SIZE, offset: this.offset });
    for (const name of ['jobName', 'eventType', 'level', 'scriptPath', 'host', 'from', 'to']) {
      const value = document.getElementById('event-' + name).value.trim();
      if (value) query.set(name, value);
    }
    let events;
    try {
      ({ events } = await api('/events?' + query));
    } catch (error) {
      if (error instanceof Unauthorized) throw error;
      if (isCurrent()) document.getElementById('events').replaceChildren(el('p', { class: 'error' }, error.message));
      return;
    }
    if (!isCurrent()) return;
    this.count = events.length;
    document.getElementById('events').replaceChildren(eventTable(events, true));
    updatePager(this);
  },
};

function pager(view) {
  view.pagerNode = el('div', { class: 'pager' },
    el('button', { class: 'secondary prev-page', onclick: () => { view.offset = Math.max(0, view.offset - PAGE_SIZE); refreshNow(); } }, '← Newer'),
    el('span', { class: 'small muted page-info' }),
    el('button', { class: 'secondary next-page', onclick: () => { view.offset += PAGE_SIZE; refreshNow(); } }, 'Older →'));
  return view.pagerNode;
}

function updatePager(view) {
  const [prev, info, next] = view.pagerNode.children;
  prev.disabled = view.offset === 0;
  next.disabled = view.count < PAGE_SIZE;
  info.textContent = view.count ? `${view.offset + 1}–${view.offset + view.count}` : '';
}

// ---- routing and polling ---------------------------------------------------------------------

let current = null;
// Counts navigations, so a refresh that finishes after the view changed draws nothing.
let navigation = 0;

function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, queryText] = hash.split('?');
  const query = new URLSearchParams(queryText || '');
  if (path.startsWith('/jobs/')) return { view: 'job', params: { name: decodeURIComponent(path.slice(6)), query } };
  const name = { '/': 'overview', '/jobs': 'jobs', '/alerts': 'alerts', '/events': 'events' }[path] || 'overview';
  return { view: name, params: { query } };
}

function navigate() {
  const { view, params } = route();
  closing = null;
  navigation += 1;
  current = views[view];
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('active', link.dataset.view === (view === 'job' ? 'jobs' : view));
  const root = document.getElementById('view');
  root.replaceChildren();
  root.dataset.view = view;
  current.build(root, params);
  setStatus('Loading…');
  refreshNow();
}

// One refresh at a time; a request for another while one runs (a filter changed, a page was
// turned, the view changed) runs once more right after it, with the controls as they are then.
let refreshing = null;
let refreshAgain = false;
async function refreshNow() {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    try {
      do {
        refreshAgain = false;
        const view = current;
        const generation = navigation;
        try {
          await withKey(() => view.refresh(() => generation === navigation));
          if (generation === navigation) setStatus('Updated ' + new Date().toLocaleTimeString());
        } catch (error) {
          if (generation === navigation) setStatus('Cannot reach the monitor: ' + error.message, true);
        }
      } while (refreshAgain);
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

window.addEventListener('hashchange', navigate);
document.addEventListener('DOMContentLoaded', () => {
  navigate();
  setInterval(() => {
    // Do not re-render under someone typing a close reason.
    if (closing && document.activeElement && closing.form.contains(document.activeElement)) return;
    if (!document.hidden) refreshNow();
  }, POLL_MS);
});
