// Limits: concurrency, window and token-bucket limits enforced at dispatch; list, create, edit, delete.
import { api } from '../api.js';
import { h, fill, table, errorBox, changeButton, act, field, select, checkbox, num } from '../dom.js';

const KINDS = ['concurrency', 'fixed_window', 'sliding_window', 'token_bucket'];
const BY = ['tenant', 'tag', 'type', 'args', 'key'];

export async function render(root) {
  const list = h('div', { class: 'panel' });
  const error = errorBox();
  const f = {
    name: h('input', { placeholder: 'per-tenant' }), kind: select(KINDS, 'concurrency'), by: select(BY, 'tenant'),
    field: h('input', { placeholder: 'args field (by args)' }), value: h('input', { placeholder: 'only this value' }),
    capacity: h('input', { type: 'number', min: '1', value: '10' }), period: h('input', { placeholder: '1s, 5m (windows, buckets)' }),
    burst: h('input', { type: 'number', min: '0', placeholder: 'token bucket' }), mode: select(['job', 'rate'], 'job'),
  };
  const enabled = checkbox('enabled', true);
  const formError = errorBox();
  const form = h('div', { class: 'panel change' }, h('h2', null, 'Create or edit a limit'),
    h('div', { class: 'fields' }, Object.entries(f).map(([k, input]) => field(k, input)), enabled), formError,
    changeButton('Save limit', (e) => act(e.target, formError, async () => {
      const body = {
        kind: f.kind.value, capacity: Number(f.capacity.value), mode: f.mode.value, enabled: enabled.input.checked,
        match: { by: f.by.value, field: f.field.value.trim() || null, value: f.value.value.trim() || null },
        period: f.period.value.trim() || null, burst: f.burst.value ? Number(f.burst.value) : null,
      };
      await api.put('/limits/' + encodeURIComponent(f.name.value.trim()), body);
      await load();
    }), 'primary'));
  root.append(h('h1', null, 'Limits'), error, list, form);

  const edit = (l) => {
    f.name.value = l.name; f.kind.value = l.kind; f.by.value = l.match.by; f.field.value = l.match.field ?? ''; f.value.value = l.match.value ?? '';
    f.capacity.value = l.capacity; f.period.value = l.period ?? ''; f.burst.value = l.burst ?? ''; f.mode.value = l.mode; enabled.input.checked = l.enabled;
  };
  const load = async () => {
    try {
      const { limits } = await api.get('/limits');
      fill(list, table(['name', 'kind', 'match', 'capacity#', 'period', 'burst#', 'mode', 'enabled', 'origin', ''], limits.map((l) => h('tr', null,
        h('td', null, h('b', null, l.name)), h('td', null, l.kind),
        h('td', { class: 'mono small' }, [l.match.by, l.match.field, l.match.value].filter(Boolean).join(' · ')),
        h('td', { class: 'num' }, num(l.capacity)), h('td', null, l.period ?? '—'), h('td', { class: 'num' }, num(l.burst)), h('td', null, l.mode),
        h('td', null, l.enabled ? 'yes' : 'no'), h('td', { class: 'small' }, l.origin),
        h('td', { class: 'row' }, changeButton('Edit', () => edit(l)),
          changeButton('Delete', (e) => act(e.target, error, async () => {
            if (!confirm(`Delete limit ${l.name}?`)) return;
            await api.del('/limits/' + encodeURIComponent(l.name));
            await load();
          }), 'danger')))), 'No limits.'));
    } catch (e) {
      error.show(e);
    }
  };
  await load();
}
