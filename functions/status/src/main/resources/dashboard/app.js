// docpipe dashboard. Plain DOM, no inline script or style (the page is served under a strict CSP),
// every value from the API written as text, never as HTML. The API key lives in sessionStorage only
// and travels in the x-api-key header, never in a URL.
'use strict';

(function () {
  const KEY_STORE = 'docpipe.apiKey';
  const REFRESH_MS = 3000;
  const OVERVIEW_EVERY = 5;
  const CHART_BUCKETS = 12;
  const BUCKET_MS = 5 * 60 * 1000;
  const CHART_PAGES = 5;
  const STAGES = ['ingest', 'parse', 'render', 'store'];
  const STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled', 'erased'];
  const SVG = 'http://www.w3.org/2000/svg';

  const $ = (id) => document.getElementById(id);
  const state = {
    key: sessionStorage.getItem(KEY_STORE),
    filters: {},
    cursors: [null],      // cursors[i] opens page i; the last entry is the current page's
    nextCursor: null,
    selected: null,       // the job id shown in the detail panel
    selectedStatus: null,
    pendingUpload: null,  // a pre-allocated upload job id that has no job yet
    timer: null,
    ticks: 0,
    busy: false,
  };

  // --- the API

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function api(method, path, body) {
    const headers = { 'x-api-key': state.key };
    const init = { method, headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(new URL(path, document.baseURI), init);
    let payload = null;
    const text = await response.text();
    if (text) {
      try { payload = JSON.parse(text); } catch (e) { payload = null; }
    }
    if (!response.ok) {
      const error = payload && payload.error;
      if (response.status === 403 && (!error || error.code === 'unauthorized')) {
        throw new ApiError(403, 'forbidden', 'The API refused this key.');
      }
      throw new ApiError(response.status, error ? error.code : 'http_' + response.status,
        error ? error.message : 'The API answered ' + response.status + '.');
    }
    return payload;
  }

  function query(params) {
    const q = new URLSearchParams();
    Object.keys(params).forEach((k) => {
      if (params[k] !== null && params[k] !== undefined && params[k] !== '') {
        q.set(k, params[k]);
      }
    });
    const s = q.toString();
    return s ? '?' + s : '';
  }

  // --- small DOM helpers

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === null || v === undefined || v === false) {
        return;
      }
      if (k === 'class') {
        node.className = v;
      } else if (k === 'text') {
        node.textContent = v;
      } else if (k.startsWith('on')) {
        node.addEventListener(k.substring(2), v);
      } else {
        node.setAttribute(k, v === true ? '' : v);
      }
    });
    children.forEach((c) => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    return node;
  }

  function announce(message) {
    const a = $('announcer');
    a.textContent = '';
    // a fresh text node makes screen readers read the same message again
    window.setTimeout(() => { a.textContent = message; }, 50);
  }

  function alertError(message) {
    const a = $('alert');
    a.textContent = message;
    a.hidden = !message;
  }

  function formatTime(iso) {
    if (!iso) {
      return '';
    }
    const d = new Date(iso);
    return d.toLocaleString(undefined, {
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
  }

  function formatDuration(ms) {
    if (ms < 1000) {
      return ms + ' ms';
    }
    if (ms < 60000) {
      return (ms / 1000).toFixed(1) + ' s';
    }
    const m = Math.floor(ms / 60000);
    return m + ' min ' + Math.round((ms % 60000) / 1000) + ' s';
  }

  function shortId(id) {
    return id.length > 13 ? id.substring(0, 8) + '…' + id.substring(id.length - 4) : id;
  }

  function documentName(job) {
    if (job.status === 'erased') {
      return 'erased';
    }
    return visibleControls(job.filename || job.url
      || (job.source === 'inline' ? 'pasted ' + (job.format || 'content') : job.source));
  }

  // Bidi and other invisible format controls (U+202E turns "gnp.exe" into "exe.png" on screen), and any
  // control character, are shown as their code point: a name reads as what it is, not as it renders.
  const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

  function visibleControls(text) {
    return String(text).replace(INVISIBLE,
      (c) => '\u27e8U+' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0') + '\u27e9');
  }

  function statusCell(job) {
    return el('span', { class: 'status status-' + job.status, text: job.status });
  }

  function stageText(job) {
    if (job.status === 'running') {
      return job.stage + ' (' + job.progress + '%)';
    }
    if (job.status === 'queued') {
      return 'waiting for ' + job.stage;
    }
    return job.status === 'erased' ? '—' : job.stage;
  }

  // --- the key

  function showKeyForm(message) {
    stopRefresh();
    $('app').hidden = true;
    $('session').hidden = true;
    $('key-section').hidden = false;
    alertError(message || '');
    $('api-key').focus();
  }

  async function useKey(key) {
    state.key = key;
    try {
      await api('GET', 'stats');
    } catch (e) {
      state.key = null;
      sessionStorage.removeItem(KEY_STORE);
      showKeyForm(e instanceof ApiError && e.status === 403 ? 'The API refused this key.' : 'Could not reach the API: ' + e.message);
      return;
    }
    sessionStorage.setItem(KEY_STORE, key);
    alertError('');
    $('key-section').hidden = true;
    $('session').hidden = false;
    $('app').hidden = false;
    announce('Key accepted. Loading your jobs.');
    await refresh();
    startRefresh();
  }

  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = $('api-key').value.trim();
    $('api-key').value = '';
    if (key) {
      useKey(key);
    }
  });

  $('forget-key').addEventListener('click', () => {
    sessionStorage.removeItem(KEY_STORE);
    state.key = null;
    closeDetail(false);
    showKeyForm('');
    announce('Key forgotten.');
  });

  // --- refreshing

  function startRefresh() {
    stopRefresh();
    if ($('live').checked) {
      state.timer = window.setInterval(refresh, REFRESH_MS);
    }
  }

  function stopRefresh() {
    if (state.timer !== null) {
      window.clearInterval(state.timer);
      state.timer = null;
    }
  }

  $('live').addEventListener('change', () => {
    if ($('live').checked) {
      startRefresh();
      announce('Live refresh on.');
    } else {
      stopRefresh();
      announce('Live refresh off.');
    }
  });

  async function refresh() {
    if (state.busy || !state.key) {
      return;
    }
    state.busy = true;
    // the table and the open job every tick; the overview (a /stats read is 28 SQS calls) every 5th
    const overview = state.ticks % OVERVIEW_EVERY === 0;
    state.ticks += 1;
    try {
      await Promise.all(overview ? [loadJobs(), loadDetail(), loadStats(), loadDeadLetters(), loadChart()]
        : [loadJobs(), loadDetail()]);
      $('refreshed').textContent = 'Updated ' + new Date().toLocaleTimeString();
      alertError('');
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) {
        sessionStorage.removeItem(KEY_STORE);
        state.key = null;
        showKeyForm('The API refused the key; enter it again.');
      } else {
        alertError('Refresh failed: ' + e.message);
      }
    } finally {
      state.busy = false;
    }
  }

  // --- jobs table, filters and paging

  function isoFromLocal(value) {
    if (!value) {
      return '';
    }
    const d = new Date(value);
    return isNaN(d.getTime()) ? '' : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  $('filter-form').addEventListener('submit', (event) => {
    event.preventDefault();
    state.filters = {
      status: $('filter-status').value,
      priority: $('filter-priority').value,
      since: isoFromLocal($('filter-since').value),
      until: isoFromLocal($('filter-until').value),
      filename: $('filter-filename').value,
      source: $('filter-source').value,
      uploadKey: $('filter-upload-key').value.trim(),
    };
    state.cursors = [null];
    loadJobs().then(() => announce('Filters applied: ' + $('jobs-summary').textContent + '.'))
      .catch((e) => alertError(e.message));
  });

  $('filter-form').addEventListener('reset', () => {
    state.filters = {};
    state.cursors = [null];
    window.setTimeout(() => loadJobs().then(() => announce('Filters cleared.')).catch((e) => alertError(e.message)), 0);
  });

  $('page-older').addEventListener('click', () => {
    if (state.nextCursor) {
      state.cursors.push(state.nextCursor);
      loadJobs().then(() => announce($('page-label').textContent)).catch((e) => alertError(e.message));
    }
  });

  $('page-newer').addEventListener('click', () => {
    if (state.cursors.length > 1) {
      state.cursors.pop();
      loadJobs().then(() => announce($('page-label').textContent)).catch((e) => alertError(e.message));
    }
  });

  async function loadJobs() {
    const cursor = state.cursors[state.cursors.length - 1];
    const page = await api('GET', 'jobs' + query(Object.assign({ limit: 20, cursor }, state.filters)));
    state.nextCursor = page.nextCursor;
    const body = $('jobs').tBodies[0];
    body.replaceChildren(...page.items.map(jobRow));
    if (page.items.length === 0) {
      body.append(el('tr', {}, el('td', { colspan: '6', text: 'No jobs match.' })));
    }
    const described = Object.entries(state.filters).filter(([, v]) => v).map(([k, v]) => k + ' ' + v).join(', ');
    $('jobs-summary').textContent = page.items.length + ' job' + (page.items.length === 1 ? '' : 's') + ' on this page'
      + (described ? ' (' + described + ')' : '') + ', newest first';
    $('page-label').textContent = 'Page ' + state.cursors.length;
    $('page-newer').disabled = state.cursors.length <= 1;
    $('page-older').disabled = !page.nextCursor;
  }

  function jobRow(job) {
    const open = el('button', {
      type: 'button', class: 'link-button', 'data-job-id': job.id, 'aria-label': 'Show job ' + job.id,
      onclick: () => openDetail(job.id, true),
    }, shortId(job.id));
    return el('tr', { 'data-job-id': job.id, 'data-status': job.status, class: job.id === state.selected ? 'selected' : null },
      el('td', {}, open),
      el('td', { text: documentName(job) }),
      el('td', {}, statusCell(job)),
      el('td', { text: stageText(job) }),
      el('td', { text: job.priority }),
      el('td', {}, el('time', { datetime: job.createdAt, text: formatTime(job.createdAt) })));
  }

  // --- counts and queue depths

  async function loadStats() {
    const stats = await api('GET', 'stats');
    $('counts').replaceChildren(...STATUSES.map((s) => el('div', { 'data-status': s },
      el('dt', { text: s }), el('dd', { text: String(stats.jobs[s] || 0) }))));

    const cell = (q) => q ? q.visible + (q.inFlight ? ' (' + q.inFlight + ')' : '') : '–';
    const rows = STAGES.map((stage) => {
      const of = (priority, dead) => stats.queues.find((q) => q.stage === stage && q.deadLetter === dead
        && (dead || q.priority === priority));
      const live = stage === 'ingest'
        ? [el('td', { colspan: '3', text: cell(of(null, false)) + ' (one queue, no priority)' })]
        : ['high', 'default', 'low'].map((p) => el('td', { text: cell(of(p, false)) }));
      return el('tr', { 'data-stage': stage }, el('th', { scope: 'row', text: stage }), ...live,
        el('td', { text: cell(of(null, true)) }));
    });
    $('queues').tBodies[0].replaceChildren(...rows);
    const dead = stats.queues.filter((q) => q.deadLetter);
    const waiting = dead.reduce((n, q) => n + q.visible + q.inFlight, 0);
    $('dead-depths').textContent = 'Dead-letter queues hold ' + waiting + ' message' + (waiting === 1 ? '' : 's')
      + ' now (' + dead.map((q) => q.stage + ' ' + (q.visible + q.inFlight)).join(', ') + '); the dead-letter handler'
      + ' marks their jobs failed and removes them.';
  }

  // --- throughput chart: completions per 5 minutes over the last hour, from the jobs list

  async function loadChart() {
    const now = Date.now();
    const start = now - CHART_BUCKETS * BUCKET_MS;
    const since = new Date(start).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const counts = new Array(CHART_BUCKETS).fill(0);
    let cursor = null;
    let pages = 0;
    let truncated = false;
    do {
      const page = await api('GET', 'jobs' + query({ status: 'completed', since, limit: 100, cursor }));
      page.items.forEach((job) => {
        const done = Date.parse((job.timestamps && job.timestamps.completed) || job.updatedAt);
        const i = Math.floor((done - start) / BUCKET_MS);
        if (i >= 0 && i < CHART_BUCKETS) {
          counts[i] += 1;
        }
      });
      cursor = page.nextCursor;
      pages += 1;
      truncated = cursor !== null && pages >= CHART_PAGES;
    } while (cursor && pages < CHART_PAGES);
    drawChart(counts, start);
    const total = counts.reduce((a, b) => a + b, 0);
    $('chart-note').textContent = total + ' completed in the last hour' + (truncated
      ? ' (only the newest ' + CHART_PAGES * 100 + ' counted)' : '') + '. Jobs created over an hour ago are not counted.';
  }

  function drawChart(counts, start) {
    const width = 480;
    const height = 160;
    const left = 32;
    const bottom = 22;
    const top = 12;
    const max = Math.max(1, ...counts);
    const barWidth = (width - left - 8) / counts.length;
    const total = counts.reduce((a, b) => a + b, 0);
    const root = svg('svg', {
      viewBox: '0 0 ' + width + ' ' + height, role: 'img',
      'aria-label': 'Completed jobs per 5 minutes over the last hour: ' + total + ' in all, at most ' + Math.max(...counts)
        + ' in one interval, ' + counts[counts.length - 1] + ' in the latest.',
    });
    root.append(svg('line', { class: 'axis', x1: left, y1: height - bottom, x2: width - 4, y2: height - bottom }));
    root.append(svg('line', { class: 'axis', x1: left, y1: top, x2: left, y2: height - bottom }));
    const maxLabel = svg('text', { x: left - 4, y: top + 8, 'text-anchor': 'end' });
    maxLabel.textContent = String(max);
    root.append(maxLabel);
    const zero = svg('text', { x: left - 4, y: height - bottom, 'text-anchor': 'end' });
    zero.textContent = '0';
    root.append(zero);
    counts.forEach((n, i) => {
      const h = (height - bottom - top) * n / max;
      const bar = svg('rect', {
        class: 'bar', x: left + i * barWidth + 2, y: height - bottom - h, width: barWidth - 4, height: h,
      });
      const tip = svg('title', {});
      const from = new Date(start + i * BUCKET_MS);
      tip.textContent = n + ' completed from ' + from.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
      bar.append(tip);
      root.append(bar);
      if (i % 3 === 0) {
        const label = svg('text', { x: left + i * barWidth + 2, y: height - 6 });
        label.textContent = from.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
        root.append(label);
      }
    });
    $('chart').replaceChildren(root);
  }

  // --- dead letters: the caller's jobs whose retries ran out

  async function loadDeadLetters() {
    const page = await api('GET', 'jobs' + query({ status: 'failed', limit: 100 }));
    const dead = page.items.filter((job) => job.error && job.error.code === 'retries_exhausted');
    const body = $('dead').tBodies[0];
    body.replaceChildren(...dead.map((job) => el('tr', { 'data-job-id': job.id },
      el('td', {}, el('button', {
        type: 'button', class: 'link-button', 'aria-label': 'Show job ' + job.id, onclick: () => openDetail(job.id, true),
      }, shortId(job.id))),
      el('td', { text: documentName(job) }),
      el('td', {}, el('time', { datetime: job.updatedAt, text: formatTime(job.updatedAt) })),
      el('td', { text: job.error.message }),
      el('td', {}, el('button', {
        type: 'button', 'aria-label': 'Retry job ' + job.id, onclick: () => retry(job.id),
      }, 'Retry')))));
    if (dead.length === 0) {
      body.append(el('tr', {}, el('td', { colspan: '5', text: 'None of your jobs ran out of retries.' })));
    }
  }

  // --- job detail

  /**
   * Shows a job's detail. knownStatus is the status the page last saw for the job (a submit's answer): a change
   * from it is announced even when the job finished before the detail's first load.
   */
  function openDetail(id, focus, knownStatus) {
    state.selected = id;
    state.selectedStatus = knownStatus || null;
    $('detail-section').hidden = false;
    document.querySelectorAll('#jobs tbody tr').forEach((tr) => tr.classList.toggle('selected', tr.dataset.jobId === id));
    return loadDetail().then(() => {
      if (focus) {
        $('detail-heading').focus();
      }
    }).catch((e) => alertError(e.message));
  }

  function closeDetail(focusTable) {
    state.selected = null;
    state.pendingUpload = null;
    $('detail-section').hidden = true;
    if (focusTable) {
      $('jobs-heading').focus();
    }
  }

  $('close-detail').addEventListener('click', () => closeDetail(true));
  $('detail-section').addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      closeDetail(true);
    }
  });

  async function loadDetail() {
    const id = state.selected;
    if (!id) {
      return;
    }
    let job;
    try {
      job = await api('GET', 'jobs/' + encodeURIComponent(id));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404 && state.pendingUpload === id) {
        showPendingUpload(id);
        return;
      }
      throw e;
    }
    if (state.selected !== id) {
      return;
    }
    if (state.pendingUpload === id) {
      state.pendingUpload = null;
    }
    if (state.selectedStatus && state.selectedStatus !== job.status) {
      announce('Job ' + shortId(job.id) + ' is now ' + job.status + '.');
    }
    state.selectedStatus = job.status;
    renderDetail(job);
  }

  function showPendingUpload(id) {
    $('detail-heading').textContent = 'Job ' + shortId(id);
    $('detail-fields').replaceChildren(
      el('dt', { text: 'Id' }), el('dd', { class: 'mono', text: id }),
      el('dt', { text: 'Status' }), el('dd', { 'data-field': 'status', text: 'uploaded, waiting to be registered' }));
    $('detail-error').hidden = true;
    $('download').hidden = true;
    $('cancel-job').hidden = true;
    $('retry-job').hidden = true;
    $('erase-job').hidden = true;
    hideEraseConfirm();
    $('timeline').tBodies[0].replaceChildren();
    $('deliveries-block').hidden = true;
  }

  function renderDetail(job) {
    $('detail-heading').textContent = 'Job ' + shortId(job.id);
    hideEraseConfirm();
    const fields = job.status === 'erased' ? [
      ['Id', job.id, 'id'],
      ['Status', 'erased', 'status'],
      ['Note', 'its document, PDF and file name are gone; this record stays until it expires', 'note'],
      ['Created', formatTime(job.createdAt), 'created'],
      ['Erased', formatTime(job.erasedAt), 'erased'],
    ] : [
      ['Id', job.id, 'id'],
      ['Document', documentName(job), 'document'],
      ['Status', job.status, 'status'],
      ['Stage', stageText(job), 'stage'],
      ['Progress', job.progress + '%', 'progress'],
      ['Attempt', String(job.attempt), 'attempt'],
      ['Priority', job.priority, 'priority'],
      ['Format', job.format || 'detected when parsed', 'format'],
      ['Page options', Object.entries(job.options || {}).map(([k, v]) => k + ' ' + v).join(', ')
        || 'the document\'s', 'options'],
      ['Created', formatTime(job.createdAt), 'created'],
      ['Updated', formatTime(job.updatedAt), 'updated'],
    ];
    if (job.result) {
      fields.push(['Result', job.result.pages + ' page' + (job.result.pages === 1 ? '' : 's') + ', '
        + Math.max(1, Math.round(job.result.bytes / 1024)) + ' KiB', 'result']);
    }
    if (job.expiresAt) {
      fields.push(['Kept until', formatTime(job.expiresAt), 'expires']);
    }
    if (job.deduplicated) {
      fields.push(['Note', 'this id was a duplicate upload: showing the original job', 'note']);
    }
    $('detail-fields').replaceChildren(...fields.flatMap(([name, value, key]) => [
      el('dt', { text: name }), el('dd', { 'data-field': key, class: key === 'id' ? 'mono' : null }, value)]));

    const error = $('detail-error');
    error.hidden = !job.error;
    error.textContent = job.error ? 'Error ' + job.error.code + ': ' + job.error.message : '';
    error.dataset.code = job.error ? job.error.code : '';

    const download = $('download');
    const url = job.result && job.result.downloadUrl;
    download.hidden = !url;
    if (url) {
      download.href = url;
      download.setAttribute('download', (job.filename || job.id).replace(INVISIBLE, '').replace(/\.[^.]*$/, '') + '.pdf');
    } else {
      download.removeAttribute('href');
    }
    $('cancel-job').hidden = !(job.status === 'queued' || job.status === 'running');
    $('retry-job').hidden = !(job.status === 'failed' || job.status === 'cancelled');
    $('erase-job').hidden = job.status === 'erased';
    renderTimeline(job);
    renderDeliveries(job);
  }

  // every attempt of each webhook event, as the API records them (text only: the URL is the caller's own)
  function renderDeliveries(job) {
    const deliveries = job.deliveries || [];
    $('deliveries-block').hidden = deliveries.length === 0;
    $('deliveries').tBodies[0].replaceChildren(...deliveries.map((d) => {
      const next = d.nextAttemptAt ? ' (next attempt ' + formatTime(d.nextAttemptAt) + ')' : '';
      const attempts = el('ol', {}, ...d.attempts.map((a) => el('li', { 'data-attempt': String(a.attempt) },
        el('time', { datetime: a.at, text: formatTime(a.at) }), ' ' + a.outcome)));
      return el('tr', { 'data-event': d.eventId },
        el('th', { scope: 'row', text: d.type }), el('td', { class: 'mono', text: d.url }),
        el('td', { 'data-field': 'delivery-status', text: d.status + next }), el('td', {}, attempts));
    }));
  }

  function renderTimeline(job) {
    const stamps = Object.entries(job.timestamps || {})
      .map(([step, at]) => ({ step, at, ms: Date.parse(at) }))
      .sort((a, b) => a.ms - b.ms || stepRank(a.step) - stepRank(b.step));
    const rows = stamps.map((s, i) => {
      let took = '';
      const m = /^(.*)\.finished$/.exec(s.step);
      if (m) {
        const started = stamps.find((t) => t.step === m[1] + '.started');
        if (started) {
          took = formatDuration(s.ms - started.ms);
        }
      } else if (i > 0) {
        took = formatDuration(s.ms - stamps[i - 1].ms) + ' after ' + describeStep(stamps[i - 1].step);
      }
      return el('tr', { 'data-step': s.step }, el('th', { scope: 'row', text: describeStep(s.step) }),
        el('td', {}, el('time', { datetime: s.at, text: formatTime(s.at) })), el('td', { text: took }));
    });
    if (stamps.length > 1 && ['completed', 'failed', 'cancelled'].includes(job.status)) {
      rows.push(el('tr', { 'data-step': 'total' }, el('th', { scope: 'row', text: 'end to end' }), el('td', {}),
        el('td', { text: formatDuration(stamps[stamps.length - 1].ms - stamps[0].ms) })));
    }
    $('timeline').tBodies[0].replaceChildren(...rows);
  }

  // steps stamped in the same millisecond keep the pipeline's order
  const STEP_ORDER = ['queued', 'parse.started', 'parse.finished', 'render.started', 'render.finished', 'store.started',
    'store.finished', 'completed', 'failed', 'cancelled', 'erased'];

  function stepRank(step) {
    const i = STEP_ORDER.indexOf(step);
    return i < 0 ? STEP_ORDER.length : i;
  }

  function describeStep(step) {
    const m = /^(\w+)\.(started|finished)$/.exec(step);
    if (m) {
      return m[1] + ' ' + m[2];
    }
    const r = /^redrive\.?(\d+)$/.exec(step);
    return r ? 're-driven by the sweeper (#' + r[1] + ')' : step;
  }

  async function cancel(id) {
    try {
      const job = await api('DELETE', 'jobs/' + encodeURIComponent(id));
      announce('Job ' + shortId(id) + ' cancelled.');
      state.selectedStatus = job.status;
      if (state.selected === id) {
        renderDetail(job);
      }
      await Promise.all([loadJobs(), loadStats()]);
    } catch (e) {
      alertError('Cancel failed: ' + e.message);
    }
  }

  async function retry(id) {
    try {
      const job = await api('POST', 'jobs/' + encodeURIComponent(id) + '/retry');
      announce('Job ' + shortId(id) + ' queued again as attempt ' + job.attempt + '.');
      if (state.selected === id) {
        state.selectedStatus = job.status;
        renderDetail(job);
      }
      await Promise.all([loadJobs(), loadStats(), loadDeadLetters()]);
    } catch (e) {
      alertError('Retry failed: ' + e.message);
    }
  }

  // Erase cannot be undone: the button only opens a confirmation naming what goes; its own button erases.
  function hideEraseConfirm() {
    $('erase-confirm').hidden = true;
  }

  async function erase(id) {
    hideEraseConfirm();
    try {
      const job = await api('POST', 'jobs/' + encodeURIComponent(id) + '/erase');
      announce('Job ' + shortId(id) + ' erased.');
      if (state.selected === id) {
        state.selectedStatus = job.status;
        renderDetail(job);
      }
      await Promise.all([loadJobs(), loadStats()]);
    } catch (e) {
      alertError('Erase failed: ' + e.message);
    }
  }

  $('erase-job').addEventListener('click', () => {
    if (state.selected) {
      $('erase-confirm').hidden = false;
      $('erase-confirm-yes').focus();
    }
  });
  $('erase-confirm-yes').addEventListener('click', () => state.selected && erase(state.selected));
  $('erase-confirm-no').addEventListener('click', () => {
    hideEraseConfirm();
    $('erase-job').focus();
  });
  $('cancel-job').addEventListener('click', () => state.selected && cancel(state.selected));
  $('retry-job').addEventListener('click', () => state.selected && retry(state.selected));

  // --- the submit form

  function source() {
    return document.querySelector('input[name=source]:checked').value;
  }

  document.querySelectorAll('input[name=source]').forEach((radio) => radio.addEventListener('change', () => {
    $('paste-fields').hidden = source() !== 'paste';
    $('url-fields').hidden = source() !== 'url';
    $('file-fields').hidden = source() !== 'file';
  }));

  function submitResult(message) {
    $('submit-result').textContent = message;
    announce(message);
  }

  /** The page options the form sets (empty fields left out: the document decides), or undefined. */
  function renderOptions() {
    const options = {};
    ['paper', 'orientation', 'margins', 'header', 'footer', 'pageNumbers', 'fontSize', 'language', 'pdfa']
      .forEach((name) => {
        const value = $('opt-' + name).value.trim();
        if (value) {
          options[name] = value;
        }
      });
    if ($('opt-documentCssOnly').checked) {
      options.documentCssOnly = 'on';
    }
    return Object.keys(options).length ? options : undefined;
  }

  $('submit-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = $('submit-button');
    button.disabled = true;
    const priority = $('priority').value;
    const format = $('format').value || undefined;
    const options = renderOptions();
    try {
      let jobId;
      let knownStatus;
      if (source() === 'file') {
        jobId = await upload(priority, format, options);
      } else {
        const body = { priority, format, options };
        if (source() === 'url') {
          body.url = $('url').value.trim();
        } else {
          body.content = $('content').value;
          body.filename = $('filename').value.trim() || undefined;
        }
        const job = await api('POST', 'jobs', body);
        jobId = job.id;
        knownStatus = job.status;
        submitResult(job.deduplicated ? 'Same document as job ' + shortId(job.id) + ': showing that job.'
          : (job.restarted ? 'Job ' + shortId(job.id) + ' restarted.' : 'Job ' + shortId(job.id) + ' queued.'));
      }
      $('submit-result').dataset.jobId = jobId;
      state.cursors = [null];
      await Promise.all([loadJobs(), loadStats()]);
      await openDetail(jobId, false, knownStatus);
    } catch (e) {
      submitResult('Not submitted: ' + e.message);
    } finally {
      button.disabled = false;
    }
  });

  async function upload(priority, format, options) {
    const file = $('file').files[0];
    if (!file) {
      throw new Error('choose a file first.');
    }
    const grant = await api('POST', 'uploads', { filename: file.name, priority, format, options });
    if (file.size > grant.maxBytes) {
      throw new Error('the file is larger than ' + grant.maxBytes + ' bytes.');
    }
    submitResult('Uploading ' + file.name + '…');
    let response;
    try {
      response = await fetch(grant.uploadUrl, {
        method: grant.method || 'PUT', headers: grant.headers || {}, body: file, cache: 'no-store',
        credentials: 'omit', referrerPolicy: 'no-referrer',
      });
    } catch (e) {
      // a network error, or the bucket's CORS rules do not allow this page's origin
      throw new Error('the storage could not be reached from this page (network or CORS): ' + e.message);
    }
    if (!response.ok) {
      throw new Error('the storage refused the upload (' + response.status + ').');
    }
    state.pendingUpload = grant.jobId;
    submitResult('Uploaded ' + file.name + ' as job ' + shortId(grant.jobId) + '; it appears once it is registered.');
    return grant.jobId;
  }

  // --- start

  if (state.key) {
    useKey(state.key);
  } else {
    showKeyForm('');
  }
}());
