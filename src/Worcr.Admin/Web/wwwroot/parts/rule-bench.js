// The test bench: job tags and worker tags (or a connected worker) -> /api/rules/explain shows the effective
// weight and each rule's factor; with "use the draft" the editor's rule counts as if saved. The dry run shows
// what every connected worker would get next now and under the draft (/api/rules/dry-run).
import { api } from '../api.js';
import { h, fill, field, select, checkbox, errorBox, act, table, tags, splitList } from '../dom.js';

export function ruleBench(draft) {
  const type = h('input', { id: 'bench-type', value: 'demo.echo', list: 'bench-types' });
  const types = h('datalist', { id: 'bench-types' });
  const tenant = h('input', { id: 'bench-tenant', value: 'default' });
  const jobTags = h('input', { id: 'bench-job-tags', placeholder: 'premium, email' });
  const workerTags = h('input', { id: 'bench-worker-tags', placeholder: 'premium' });
  const worker = select([['', '— type worker tags —']], '');
  worker.id = 'bench-worker';
  const useDraft = checkbox('use the draft in the editor', false);
  useDraft.input.id = 'bench-use-draft';
  useDraft.classList.add('change'); // a draft is code the node runs: admins only; read-only tests the saved rules
  const result = h('div', { id: 'bench-result' });
  const dry = h('div', { id: 'dry-run' });
  const error = errorBox();
  let workers = [];

  worker.addEventListener('change', () => {
    const w = workers.find((x) => x.worker_id === worker.value);
    if (w) workerTags.value = w.tags.join(', ');
  });

  const explain = async () => {
    const w = workers.find((x) => x.worker_id === worker.value);
    const body = {
      job: { type: type.value.trim(), tenant: tenant.value.trim() || 'default', tags: splitList(jobTags.value) },
      worker: { id: w?.worker_id ?? 'bench', tags: splitList(workerTags.value), job_types: w?.job_types?.length ? w.job_types : undefined },
    };
    if (useDraft.input.checked) body.draft = draft();
    const x = await api.post('/rules/explain', body);
    fill(result,
      h('div', { class: 'row' }, h('span', { class: 'muted' }, 'effective weight'),
        h('span', { class: 'big' + (x.forbidden ? ' forbidden' : ''), id: 'bench-weight', 'data-weight': x.multiplier }, x.forbidden ? 'forbidden (0)' : fmt(x.multiplier)),
        h('span', { class: 'muted small' }, 'rules version ' + x.version)),
      table(['rule', 'factor#', 'error'], x.trace.map((t) => h('tr', { 'data-rule': t.rule },
        h('td', null, t.rule), h('td', { class: 'num' }, fmt(t.factor)), h('td', { class: 'small forbidden' }, t.error ?? ''))), 'No weight rule applies.'));
  };

  const dryRun = async () => {
    const x = await api.post('/rules/dry-run', { draft: useDraft.input.checked ? draft() : null });
    fill(dry, table(['worker', 'tags', 'next now', 'next with the draft'], x.workers.map((w) => h('tr', null,
      h('td', { class: 'mono' }, w.worker_id), h('td', null, tags(w.tags)), h('td', null, lanes(w.current)), h('td', null, lanes(w.draft)))),
    'No connected workers.'));
  };

  const el = h('div', { class: 'panel', id: 'rule-bench' },
    h('h2', null, 'Test bench'),
    h('div', { class: 'fields' }, field('job type', type), types, field('tenant', tenant), field('job tags', jobTags)),
    h('div', { class: 'fields' }, field('worker', worker), field('worker tags', workerTags), useDraft),
    h('div', { class: 'row progress' },
      h('button', { type: 'button', class: 'primary', id: 'bench-explain', onclick: (e) => act(e.target, error, explain) }, 'Explain weight'),
      h('button', { type: 'button', id: 'bench-dry-run', onclick: (e) => act(e.target, error, dryRun) }, 'Dry run on connected workers')),
    error, result, h('div', { class: 'progress' }, dry));

  el.refreshWorkers = async () => {
    try {
      workers = (await api.get('/workers')).workers;
      fill(worker, h('option', { value: '' }, '— type worker tags —'),
        workers.map((w) => h('option', { value: w.worker_id }, `${w.worker_id} [${w.tags.join(', ')}]`)));
      const known = (await api.get('/job-types')).job_types;
      fill(types, known.map((t) => h('option', { value: t.name })));
    } catch (e) {
      error.show(e);
    }
  };
  return el;
}

function lanes(view) {
  if (!view?.lanes?.length) return h('span', { class: 'muted' }, 'nothing it may take');
  return h('div', null, view.lanes.slice(0, 5).map((l) => h('div', { class: 'small' + (view.next?.lane_id === l.lane_id ? '' : ' muted') },
    `${(l.share * 100).toFixed(0)}% `, h('b', null, l.tenant), ' ', l.type, ' ', tags(l.tags))));
}

function fmt(n) { return Number.isInteger(n) ? String(n) : n.toFixed(3).replace(/0+$/, ''); }
