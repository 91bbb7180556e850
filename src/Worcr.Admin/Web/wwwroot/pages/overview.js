// Overview: jobs per state, throughput and latency charts, backlog per tenant and lane, workers and nodes.
// Live: /api/overview/stream pushes the same JSON as /api/overview every 2 s.
import { api, listen } from '../api.js';
import { h, fill, tags, num, ago, table, errorBox } from '../dom.js';
import { lineChart } from '../charts.js';

const STATES = ['scheduled', 'waiting', 'running', 'failed', 'completed', 'dead', 'expired', 'cancelled'];

export async function render(root) {
  const tiles = h('div', { class: 'tiles', id: 'states' });
  const throughput = h('div');
  const latency = h('div');
  const tenants = h('div');
  const lanes = h('div');
  const nodes = h('div');
  const status = h('span', { class: 'muted small', id: 'live' }, 'connecting…');
  const error = errorBox();
  root.append(
    h('div', { class: 'spread' }, h('h1', null, 'Overview'), status), error,
    h('div', { class: 'panel' }, tiles),
    h('div', { class: 'grid' },
      h('div', { class: 'panel' }, h('h2', null, 'Throughput (jobs per 10 s)'), throughput),
      h('div', { class: 'panel' }, h('h2', null, 'Latency, ready to finished'), latency)),
    h('div', { class: 'grid' },
      h('div', { class: 'panel' }, h('h2', null, 'Backlog per tenant'), tenants),
      h('div', { class: 'panel' }, h('h2', null, 'Backlog per lane'), lanes)),
    h('div', { class: 'panel' }, h('h2', null, 'Nodes'), nodes));

  let refreshingNodes = false;
  const update = (o) => {
    status.textContent = 'live · ' + new Date().toLocaleTimeString();
    fill(tiles,
      STATES.map((s) => h('a', { class: 'tile', href: '#/jobs?state=' + s, 'data-state': s },
        h('div', { class: 'label' }, s), h('div', { class: 'value' }, num(o.states?.[s] ?? 0)))),
      h('a', { class: 'tile', href: '#/workers' }, h('div', { class: 'label' }, 'workers'), h('div', { class: 'value' }, num(o.workers))),
      h('div', { class: 'tile' }, h('div', { class: 'label' }, 'nodes'), h('div', { class: 'value' }, num(o.nodes))));
    const points = o.series?.points ?? [];
    const times = points.map((p) => p.at);
    fill(throughput, lineChart(times, [
      { name: 'enqueued', color: '#8a63d2', values: points.map((p) => p.enqueued) },
      { name: 'completed', color: '#1f9d55', values: points.map((p) => p.completed) },
      { name: 'failed', color: '#d33c3c', values: points.map((p) => p.failed) },
    ]));
    fill(latency, lineChart(times, [
      { name: 'p50', color: '#2f6fde', values: points.map((p) => p.p50_ms) },
      { name: 'p95', color: '#d98b0b', values: points.map((p) => p.p95_ms) },
    ], ' ms'));
    fill(tenants, table(['tenant', 'waiting#', 'running#'], (o.tenants ?? []).map((t) =>
      h('tr', null, h('td', null, h('a', { href: '#/jobs?tenant=' + encodeURIComponent(t.tenant) }, t.tenant)),
        h('td', { class: 'num' }, num(t.waiting)), h('td', { class: 'num' }, num(t.running)))), 'No backlog.'));
    fill(lanes, table(['tenant', 'type', 'tags', 'waiting#'], (o.lanes ?? []).map((l) =>
      h('tr', null, h('td', null, l.tenant), h('td', null, l.type), h('td', null, tags(l.tags)), h('td', { class: 'num' }, num(l.waiting)))), 'No waiting lanes.'));
    if (!refreshingNodes) {
      refreshingNodes = true;
      loadNodes(nodes, error).finally(() => { refreshingNodes = false; });
    }
  };

  try { update(await api.get('/overview')); } catch (e) { error.show(e); }
  return listen('/overview/stream', { overview: update });
}

async function loadNodes(el, error) {
  try {
    const { nodes } = await api.get('/nodes');
    fill(el, table(['node', 'gRPC', 'HTTP', 'workers#', 'started', 'heartbeat', 'leader'], nodes.map((n) =>
      h('tr', null, h('td', { class: 'mono' }, n.node_id), h('td', { class: 'mono' }, n.grpc_address), h('td', { class: 'mono' }, n.http_address),
        h('td', { class: 'num' }, num(n.workers)), h('td', null, ago(n.started_at)), h('td', null, ago(n.last_heartbeat)),
        h('td', null, n.leader ? '★ leader' : '')))));
  } catch (e) {
    error.show(e);
  }
}
