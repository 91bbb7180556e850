// Webhooks: subscriptions (never showing secrets), their latest deliveries; create, edit, delete.
import { api, query } from '../api.js';
import { h, fill, table, errorBox, changeButton, act, field, checkbox, time, badge } from '../dom.js';

const EVENTS = ['job.completed', 'job.failed', 'job.dead', 'job.expired', 'job.cancelled', 'job.progress'];

export async function render(root) {
  const list = h('div', { class: 'panel' });
  const deliveries = h('div', { class: 'panel', id: 'deliveries' }, h('p', { class: 'muted' }, 'Pick a webhook to see its deliveries.'));
  const error = errorBox();
  const f = {
    name: h('input', { placeholder: 'ops' }), url: h('input', { placeholder: 'https://hooks.example.com/worcr', size: 40 }),
    secret: h('input', { type: 'password', placeholder: 'unchanged when empty', autocomplete: 'new-password' }), tenant: h('input', { placeholder: 'every tenant' }),
  };
  const events = EVENTS.map((e) => checkbox(e, e !== 'job.progress'));
  const enabled = checkbox('enabled', true);
  const formError = errorBox();
  const form = h('div', { class: 'panel change' }, h('h2', null, 'Create or edit a webhook'),
    h('div', { class: 'fields' }, Object.entries(f).map(([k, input]) => field(k, input)), enabled),
    h('div', { class: 'row progress' }, events), formError,
    changeButton('Save webhook', (e) => act(e.target, formError, async () => {
      const body = { url: f.url.value.trim(), events: EVENTS.filter((_, i) => events[i].input.checked), tenant: f.tenant.value.trim() || null, enabled: enabled.input.checked };
      if (f.secret.value) body.secret = f.secret.value;
      await api.put('/webhooks/' + encodeURIComponent(f.name.value.trim()), body);
      f.secret.value = '';
      await load();
    }), 'primary'));
  root.append(h('h1', null, 'Webhooks'), error, list, deliveries, form);

  const edit = (w) => {
    f.name.value = w.name; f.url.value = w.url; f.tenant.value = w.tenant ?? ''; f.secret.value = '';
    EVENTS.forEach((e, i) => { events[i].input.checked = w.events.includes(e); });
    enabled.input.checked = w.enabled;
  };
  const showDeliveries = async (name) => {
    try {
      const d = await api.get(`/webhooks/${encodeURIComponent(name)}/deliveries` + query({ limit: 100 }));
      fill(deliveries, h('h2', null, `Deliveries of ${name}`), table(['at', 'event', 'attempt#', 'status', 'duration#', 'state', 'error'], d.deliveries.map((x) => h('tr', null,
        h('td', null, time(x.at)), h('td', null, x.event), h('td', { class: 'num' }, x.attempt), h('td', null, x.status_code ?? '—'),
        h('td', { class: 'num' }, x.duration_ms + ' ms'), h('td', null, badge(x.state === 'delivered' ? 'completed' : x.state === 'failed' ? 'dead' : 'waiting')),
        h('td', { class: 'small' }, x.error ?? ''))), 'No deliveries yet.'));
    } catch (e) {
      error.show(e);
    }
  };
  const load = async () => {
    try {
      const { webhooks } = await api.get('/webhooks');
      fill(list, table(['name', 'url', 'events', 'tenant', 'enabled', 'updated', ''], webhooks.map((w) => h('tr', null,
        h('td', null, h('b', null, w.name)), h('td', { class: 'mono small' }, w.url), h('td', { class: 'small' }, w.events.join(', ')),
        h('td', null, w.tenant ?? 'every tenant'), h('td', null, w.enabled ? 'yes' : 'no'), h('td', null, time(w.updated_at)),
        h('td', { class: 'row' }, h('button', { type: 'button', onclick: () => showDeliveries(w.name) }, 'Deliveries'), changeButton('Edit', () => edit(w)),
          changeButton('Delete', (e) => act(e.target, error, async () => {
            if (!confirm(`Delete webhook ${w.name} and its delivery log?`)) return;
            await api.del('/webhooks/' + encodeURIComponent(w.name));
            await load();
          }), 'danger')))), 'No webhooks.'));
    } catch (e) {
      error.show(e);
    }
  };
  await load();
}
