// Rules: the live rule book (files and database), the editor and the test bench.
import { api } from '../api.js';
import { h, fill, table, errorBox, changeButton, act } from '../dom.js';
import { ruleEditor } from '../parts/rule-editor.js';
import { ruleBench } from '../parts/rule-bench.js';

export async function render(root) {
  const list = h('div', { id: 'rule-list' });
  const version = h('span', { class: 'muted small' });
  const error = errorBox();
  const editor = ruleEditor(() => load());
  const bench = ruleBench(() => editor.draft());
  root.append(h('div', { class: 'spread' }, h('h1', null, 'Rules'), version), error,
    h('div', { class: 'panel' }, list), h('div', { class: 'grid' }, editor, bench));

  const load = async () => {
    try {
      const book = await api.get('/rules');
      version.textContent = 'version ' + book.version;
      fill(list, table(['name', 'kind', 'language', 'order#', 'state', 'origin', ''], book.rules.map((r) => h('tr', { 'data-rule': r.name },
        h('td', null, h('b', null, r.name), r.error ? h('div', { class: 'small forbidden' }, r.error) : null),
        h('td', null, r.kind), h('td', null, r.language), h('td', { class: 'num' }, r.order),
        h('td', null, r.error ? status('dead', 'broken') : r.enabled ? status('completed', 'enabled') : status('cancelled', 'disabled')),
        h('td', { class: 'small' }, r.origin + (r.version ? ' v' + r.version : '')),
        h('td', { class: 'row' },
          h('button', { type: 'button', onclick: () => editor.load(r) }, 'Edit'),
          changeButton(r.enabled ? 'Disable' : 'Enable', (e) => act(e.target, error, async () => {
            await api.put('/rules/' + encodeURIComponent(r.name), { ...r, enabled: !r.enabled });
            await load();
          })),
          r.origin === 'database' ? changeButton('Delete', (e) => act(e.target, error, async () => {
            if (!confirm(`Delete rule ${r.name}?`)) return;
            await api.del('/rules/' + encodeURIComponent(r.name));
            await load();
          }), 'danger') : null))), 'No rules: every lane weighs 1.'));
    } catch (e) {
      error.show(e);
    }
  };
  await Promise.all([load(), bench.refreshWorkers()]);
}

function status(look, text) { return h('span', { class: 'badge ' + look }, text); }
