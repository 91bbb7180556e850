// Workers connected to any node (Redis presence): tags, capacity, in-flight jobs, heartbeat; drain one.
import { api } from '../api.js';
import { h, fill, tags, ago, table, errorBox, changeButton, act, num } from '../dom.js';

export async function render(root) {
  const list = h('div', { class: 'panel' });
  const error = errorBox();
  root.append(h('div', { class: 'spread' }, h('h1', null, 'Workers'), h('span', { class: 'muted small' }, 'refreshes every 3 s')), error, list);

  const load = async () => {
    try {
      const { workers } = await api.get('/workers');
      fill(list, table(['worker', 'node', 'tags', 'job types', 'capacity#', 'in flight#', 'jobs', 'connected', 'heartbeat', ''],
        workers.map((w) => h('tr', { 'data-worker': w.worker_id },
          h('td', { class: 'mono' }, w.worker_id, w.draining ? h('span', { class: 'badge failed' }, ' draining') : ''),
          h('td', { class: 'mono small' }, w.node_id), h('td', null, tags(w.tags)), h('td', null, tags(w.job_types)),
          h('td', { class: 'num' }, num(w.capacity)), h('td', { class: 'num' }, num(w.in_flight)),
          h('td', null, (w.job_ids ?? []).slice(0, 10).map((id) => h('a', { href: '#/jobs/' + id, class: 'tag' }, id))),
          h('td', null, ago(w.connected_at)), h('td', null, ago(w.last_heartbeat)),
          h('td', null, w.draining ? '' : changeButton('Drain', (e) => act(e.target, error, async () => {
            await api.post(`/workers/${encodeURIComponent(w.worker_id)}/drain`);
            await load();
          }))))), 'No workers connected.'));
    } catch (e) {
      error.show(e);
    }
  };
  await load();
  const timer = setInterval(load, 3000);
  return () => clearInterval(timer);
}
