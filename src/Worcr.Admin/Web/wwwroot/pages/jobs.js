// Jobs: filters (tenant, type, tag, state, time) kept in the URL, newest first, paged by "before".
import { api, query } from '../api.js';
import { h, fill, badge, tags, time, table, field, select, errorBox, progressBar } from '../dom.js';

const STATES = ['', 'scheduled', 'waiting', 'running', 'failed', 'completed', 'dead', 'expired', 'cancelled'];

export async function render(root, route) {
  const q = route.query;
  const inputs = {
    tenant: h('input', { name: 'tenant', value: q.get('tenant') ?? '', placeholder: 'any' }),
    type: h('input', { name: 'type', value: q.get('type') ?? '', placeholder: 'any' }),
    tag: h('input', { name: 'tag', value: q.get('tag') ?? '', placeholder: 'any' }),
    state: select(STATES.map((s) => [s, s || 'any']), q.get('state') ?? ''),
    from: h('input', { name: 'from', type: 'datetime-local', value: toLocalInput(q.get('from')) }),
    to: h('input', { name: 'to', type: 'datetime-local', value: toLocalInput(q.get('to')) }),
  };
  inputs.state.name = 'state';
  const filters = () => ({
    tenant: inputs.tenant.value.trim(), type: inputs.type.value.trim(), tag: inputs.tag.value.trim(), state: inputs.state.value,
    from: fromLocalInput(inputs.from.value), to: fromLocalInput(inputs.to.value),
  });
  const form = h('form', {
    class: 'fields panel',
    onsubmit: (e) => { e.preventDefault(); location.hash = '#/jobs' + query(filters()); },
  },
  Object.entries(inputs).map(([name, input]) => field(name, input)),
  h('button', { class: 'primary', type: 'submit' }, 'Filter'),
  h('button', { type: 'button', onclick: () => { location.hash = '#/jobs'; } }, 'Clear'));

  const list = h('div', { class: 'panel', id: 'job-list' });
  const error = errorBox();
  root.append(h('h1', null, 'Jobs'), form, error, list);

  const pages = [null];
  const load = async (before) => {
    try {
      const page = await api.get('/jobs' + query({ ...Object.fromEntries(q), before, limit: 50 }));
      error.show(null);
      fill(list, table(['id', 'tenant', 'type', 'tags', 'state', 'attempt', 'progress', 'enqueued', 'finished', 'last error'],
        page.jobs.map(row), 'No jobs match.'),
      h('div', { class: 'row' },
        h('button', { type: 'button', disabled: pages.length <= 1, onclick: () => { pages.pop(); load(pages[pages.length - 1]); } }, '← Newer'),
        h('button', { type: 'button', disabled: !page.next_before, onclick: () => { pages.push(page.next_before); load(page.next_before); } }, 'Older →'),
        h('span', { class: 'muted small' }, `page ${pages.length}`)));
    } catch (e) {
      error.show(e);
    }
  };
  await load(null);
}

function row(j) {
  const counter = j.progress?.[0];
  return h('tr', { 'data-job': j.id },
    h('td', null, h('a', { href: '#/jobs/' + j.id }, j.id)), h('td', null, j.tenant), h('td', null, j.type), h('td', null, tags(j.tags)),
    h('td', null, badge(j.state)), h('td', null, `${j.attempt}/${j.max_attempts}`),
    h('td', null, counter ? progressBar(counter, true) : ''),
    h('td', null, time(j.enqueued_at)), h('td', null, time(j.finished_at)),
    h('td', { class: 'small' }, j.last_error ? j.last_error.slice(0, 120) : ''));
}

function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return '';
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

function fromLocalInput(value) { return value ? new Date(value).toISOString() : ''; }
