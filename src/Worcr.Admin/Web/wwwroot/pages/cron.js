// Cron schedules: list with next and last firing; create, edit, delete.
import { api } from '../api.js';
import { h, fill, table, errorBox, changeButton, act, field, checkbox, tags, time, splitList } from '../dom.js';

export async function render(root) {
  const list = h('div', { class: 'panel' });
  const error = errorBox();
  const f = {
    name: h('input', { placeholder: 'nightly-report' }), expression: h('input', { placeholder: '0 2 * * *', class: 'mono' }),
    time_zone: h('input', { value: 'UTC' }), type: h('input', { placeholder: 'report.build' }), tenant: h('input', { value: 'default' }),
    tags: h('input', { placeholder: 'report' }), max_attempts: h('input', { type: 'number', min: '1', placeholder: 'job type default' }),
  };
  const args = h('textarea', { class: 'code', rows: 3, value: '{}' });
  const enabled = checkbox('enabled', true);
  const formError = errorBox();
  const form = h('div', { class: 'panel change' }, h('h2', null, 'Create or edit a schedule'),
    h('div', { class: 'fields' }, Object.entries(f).map(([k, input]) => field(k.replace('_', ' '), input)), field('args (JSON)', args), enabled), formError,
    changeButton('Save schedule', (e) => act(e.target, formError, async () => {
      let parsedArgs;
      try { parsedArgs = JSON.parse(args.value || '{}'); } catch (x) { throw new Error('args is not valid JSON: ' + x.message); }
      await api.put('/cron/' + encodeURIComponent(f.name.value.trim()), {
        expression: f.expression.value.trim(), time_zone: f.time_zone.value.trim() || 'UTC', enabled: enabled.input.checked,
        job: { type: f.type.value.trim(), tenant: f.tenant.value.trim() || 'default', tags: splitList(f.tags.value), args: parsedArgs,
          max_attempts: f.max_attempts.value ? Number(f.max_attempts.value) : null },
      });
      await load();
    }), 'primary'));
  root.append(h('h1', null, 'Cron schedules'), error, list, form);

  const edit = (s) => {
    f.name.value = s.name; f.expression.value = s.expression; f.time_zone.value = s.time_zone; f.type.value = s.job.type;
    f.tenant.value = s.job.tenant; f.tags.value = s.job.tags.join(', '); f.max_attempts.value = s.job.max_attempts;
    args.value = JSON.stringify(s.job.args); enabled.input.checked = s.enabled;
  };
  const load = async () => {
    try {
      const { schedules } = await api.get('/cron');
      fill(list, table(['name', 'expression', 'zone', 'job', 'next', 'last fired', 'last job', 'origin', ''], schedules.map((s) => h('tr', null,
        h('td', null, h('b', null, s.name), s.enabled ? '' : h('span', { class: 'muted' }, ' (disabled)')),
        h('td', { class: 'mono' }, s.expression), h('td', null, s.time_zone),
        h('td', null, s.job.type, ' · ', s.job.tenant, ' ', tags(s.job.tags)),
        h('td', null, time(s.next_fire_at)), h('td', null, time(s.last_fired_at)),
        h('td', null, s.last_job_id ? h('a', { href: '#/jobs/' + s.last_job_id }, s.last_job_id) : '—'), h('td', { class: 'small' }, s.origin),
        h('td', { class: 'row' }, changeButton('Edit', () => edit(s)),
          changeButton('Delete', (e) => act(e.target, error, async () => {
            if (!confirm(`Delete schedule ${s.name}?`)) return;
            await api.del('/cron/' + encodeURIComponent(s.name));
            await load();
          }), 'danger')))), 'No schedules.'));
    } catch (e) {
      error.show(e);
    }
  };
  await load();
}
