// One job: state, a progress bar per named counter, checkpoints, attempts and errors, logs streaming live
// (/api/jobs/{id}/stream), and retry / cancel / delete.
import { api, listen } from '../api.js';
import { h, fill, badge, tags, time, table, errorBox, changeButton, act, progressBar } from '../dom.js';

const FINISHED = ['completed', 'dead', 'expired', 'cancelled'];

export async function render(root, route) {
  const id = route.args[0];
  const error = errorBox();
  const header = h('div', { class: 'spread' });
  const facts = h('div', { class: 'panel' });
  const progress = h('div', { id: 'progress' });
  const checkpoints = h('div');
  const logs = h('div', { class: 'logs', id: 'logs' });
  const logNote = h('p', { class: 'muted small' });
  root.append(header, error, facts,
    h('div', { class: 'panel' }, h('h2', null, 'Progress'), progress),
    h('div', { class: 'panel' }, h('h2', null, 'Checkpoints'), checkpoints),
    h('div', { class: 'panel' }, h('div', { class: 'spread' }, h('h2', null, 'Log'), logNote), logs));

  const bars = new Map();
  const points = new Map();
  let job;

  const showProgress = (p) => {
    if (!bars.has(p.name)) {
      const bar = progressBar(p);
      bars.set(p.name, bar);
      if (bars.size === 1) fill(progress);
      progress.append(bar);
    } else bars.get(p.name).update(p);
  };
  const showCheckpoints = () => fill(checkpoints, table(['name', 'value', 'attempt', 'updated'], [...points.values()].map((c) =>
    h('tr', null, h('td', null, c.name), h('td', { class: 'mono' }, c.value), h('td', null, c.attempt ?? ''), h('td', null, time(c.updated_at)))), 'No checkpoints.'));
  const appendLog = (l) => {
    const stick = logs.scrollTop + logs.clientHeight >= logs.scrollHeight - 4;
    logs.append(h('div', { class: 'line ' + l.level },
      h('span', { class: 'at' }, new Date(l.at).toLocaleTimeString() + ` #${l.attempt} `), h('span', { class: 'lvl' }, l.level.padEnd(5)), ' ', l.text));
    if (stick) logs.scrollTop = logs.scrollHeight;
  };

  // The header (state badge and buttons) is rebuilt only when the state changes: every state event re-reads the
  // job, and rebuilding the buttons under a pointer between its press and release would swallow the click.
  let headerState = null;
  const showJob = () => {
    if (job.state !== headerState) showHeader();
    headerState = job.state;
    showFacts();
  };
  const showHeader = () => {
    fill(header,
      h('div', { class: 'row' }, h('h1', null, `Job ${job.id}`), badge(job.state)),
      h('div', { class: 'row' },
        ['dead', 'cancelled', 'expired', 'failed'].includes(job.state) ? changeButton('Retry', (e) => act(e.target, error, async () => { await api.post(`/jobs/${id}/retry`); await reload(); })) : null,
        !FINISHED.includes(job.state) ? changeButton('Cancel', (e) => act(e.target, error, async () => { await api.post(`/jobs/${id}/cancel`); await reload(); }), 'danger') : null,
        FINISHED.includes(job.state) ? changeButton('Delete', (e) => act(e.target, error, async () => {
          if (!confirm(`Delete job ${id} and its logs?`)) return;
          await api.del(`/jobs/${id}`);
          location.hash = '#/jobs';
        }), 'danger') : null));
  };
  const showFacts = () => {
    fill(facts, h('table', { class: 'facts' }, h('tbody', null,
      fact('type', job.type), fact('tenant', job.tenant), fact('tags', tags(job.tags)),
      fact('attempt', `${job.attempt} of ${job.max_attempts}` + (job.failures ? ` · ${job.failures} failure(s)` : '')),
      fact('worker', job.worker_id ? h('span', { class: 'mono' }, job.worker_id, job.node_id ? ` on ${job.node_id}` : '') : '—'),
      fact('enqueued', time(job.enqueued_at)), fact('run at', time(job.run_at)), fact('finished', time(job.finished_at)),
      fact('expires', time(job.expires_at)), job.unique_key ? fact('unique key', job.unique_key) : null,
      fact('last error', job.last_error ? h('pre', { class: 'forbidden', id: 'last-error' }, job.last_error) : '—'),
      fact('args', h('pre', null, JSON.stringify(job.args, null, 2))),
      job.result !== null && job.result !== undefined ? fact('result', h('pre', null, typeof job.result === 'string' ? job.result : JSON.stringify(job.result, null, 2))) : null)));
  };

  const reload = async () => {
    job = await api.get('/jobs/' + id);
    showJob();
  };

  const handlers = {
    state: (x) => { job.state = x.state; job.attempt = x.attempt ?? job.attempt; if (x.error) job.last_error = x.error; showJob(); reload().catch((e) => error.show(e)); },
    progress: showProgress,
    checkpoint: (c) => { points.set(c.name, { ...points.get(c.name), ...c, updated_at: new Date().toISOString() }); showCheckpoints(); },
    log: appendLog,
  };
  // The stream opens before the job is read, so no line written in between is lost; events that arrive
  // meanwhile wait, and log lines the read already has are not shown twice.
  const early = [];
  let ready = false;
  const stop = listen(`/jobs/${id}/stream`, Object.fromEntries(Object.entries(handlers).map(([kind, handle]) =>
    [kind, (x) => (ready ? handle(x) : early.push([kind, x]))])));
  try {
    job = await api.get('/jobs/' + id);
  } catch (e) {
    stop();
    error.show(e);
    return undefined;
  }
  showJob();
  fill(progress, h('p', { class: 'muted' }, 'No progress reported.'));
  for (const p of job.progress ?? []) showProgress(p);
  for (const c of job.checkpoints ?? []) points.set(c.name, c);
  showCheckpoints();
  const seen = new Set();
  for (const l of job.logs ?? []) { appendLog(l); seen.add(logKey(l)); }
  logNote.textContent = job.logs_dropped ? `${job.logs_dropped} older line(s) dropped` : '';
  ready = true;
  for (const [kind, x] of early) if (kind !== 'log' || !seen.has(logKey(x))) handlers[kind](x);
  return stop;
}

function logKey(l) { return `${l.attempt}|${new Date(l.at).getTime()}|${l.level}|${l.text}`; }

function fact(label, value) { return h('tr', null, h('th', null, label), h('td', null, value)); }
