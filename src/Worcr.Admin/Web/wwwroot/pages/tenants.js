// Tenants: plan, weight and effective share, backlog, API keys (a new key is shown once); plans and their weights.
import { api } from '../api.js';
import { h, fill, table, errorBox, changeButton, act, field, select, num, time } from '../dom.js';

export async function render(root) {
  const list = h('div', { class: 'panel', id: 'tenant-list' });
  const plans = h('div', { class: 'panel' });
  const keys = h('div', { class: 'panel', id: 'tenant-keys' }, h('p', { class: 'muted' }, 'Pick a tenant to see its API keys.'));
  const error = errorBox();
  root.append(h('h1', null, 'Tenants'), error, list, keys, plans);
  let planNames = [];

  const editTenant = (t) => {
    const plan = select([['', '— no plan —'], ...planNames.map((p) => [p, p])], t.plan ?? '');
    const weight = h('input', { type: 'number', step: 'any', min: '0', value: t.weight ?? '', placeholder: 'from plan' });
    const rowError = errorBox();
    return h('div', { class: 'fields' }, field('plan', plan), field('weight', weight),
      changeButton('Save', (e) => act(e.target, rowError, async () => {
        await api.put('/tenants/' + encodeURIComponent(t.name), { plan: plan.value || null, weight: weight.value === '' ? null : Number(weight.value) });
        await load();
      })), rowError);
  };

  const showKeys = async (tenant) => {
    const label = h('input', { placeholder: 'producer on host-1', id: 'key-label' });
    const keyError = errorBox();
    const created = h('div');
    const render = async () => {
      const { keys: list } = await api.get(`/tenants/${encodeURIComponent(tenant)}/keys`);
      fill(keys, h('h2', null, `API keys of ${tenant}`), created,
        table(['label', 'prefix', 'created', 'last used', ''], list.map((k) => h('tr', null,
          h('td', null, k.label), h('td', { class: 'mono' }, k.prefix + '…'), h('td', null, time(k.created_at)), h('td', null, time(k.last_used_at)),
          h('td', null, changeButton('Revoke', (e) => act(e.target, keyError, async () => {
            if (!confirm(`Revoke key ${k.label}? Producers using it stop working.`)) return;
            await api.del(`/tenants/${encodeURIComponent(tenant)}/keys/${encodeURIComponent(k.id)}`);
            await render();
            await load();
          }), 'danger')))), 'No keys: this tenant\'s producers use the operator key.'),
        h('div', { class: 'fields change progress' }, field('label', label), changeButton('Create key', (e) => act(e.target, keyError, async () => {
          const k = await api.post(`/tenants/${encodeURIComponent(tenant)}/keys`, { label: label.value.trim() });
          label.value = '';
          await render();
          await load();
          fill(created, h('div', { class: 'notice' }, h('p', null, `New key "${k.label}": copy it now, it is never shown again.`), h('div', { class: 'secret', id: 'new-key' }, k.key)));
        }), 'primary')), keyError);
    };
    await act(null, error, render);
  };

  const load = async () => {
    try {
      const data = await api.get('/tenants');
      planNames = data.plans.map((p) => p.name);
      fill(list, table(['tenant', 'plan', 'weight#', 'share#', 'waiting#', 'running#', 'keys#', 'edit'], data.tenants.map((t) => h('tr', { 'data-tenant': t.name },
        h('td', null, h('b', null, t.name)), h('td', null, t.plan ?? '—'), h('td', { class: 'num' }, t.weight ?? '—'), h('td', { class: 'num' }, num(t.share)),
        h('td', { class: 'num' }, h('a', { href: '#/jobs?state=waiting&tenant=' + encodeURIComponent(t.name) }, num(t.waiting))), h('td', { class: 'num' }, num(t.running)),
        h('td', { class: 'num' }, h('button', { type: 'button', onclick: () => showKeys(t.name) }, `${t.api_keys} key(s)`)),
        h('td', { class: 'change' }, editTenant(t)))), 'No tenants yet.'));
      const planName = h('input', { placeholder: 'gold' });
      const planWeight = h('input', { type: 'number', step: 'any', min: '0', placeholder: '4' });
      const planError = errorBox();
      fill(plans, h('h2', null, 'Plans'), table(['plan', 'weight#', ''], data.plans.map((p) => h('tr', null,
        h('td', null, p.name), h('td', { class: 'num' }, num(p.weight)),
        h('td', null, changeButton('Delete', (e) => act(e.target, planError, async () => {
          await api.del('/plans/' + encodeURIComponent(p.name));
          await load();
        }), 'danger')))), 'No plans: tenants weigh what their own weight says (1 by default).'),
      h('div', { class: 'fields change progress' }, field('plan', planName), field('weight', planWeight),
        changeButton('Save plan', (e) => act(e.target, planError, async () => {
          await api.put('/plans/' + encodeURIComponent(planName.value.trim()), { weight: Number(planWeight.value) });
          await load();
        }), 'primary')), planError);
    } catch (e) {
      error.show(e);
    }
  };
  await load();
}
