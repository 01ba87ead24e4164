/**
 * The HTML report's one stylesheet and one script, and the Content-Security-Policy that allows
 * exactly these two (by hash) and nothing else.
 */
import { createHash } from 'node:crypto';
import { SEVERITIES_WORST_FIRST } from './report-view.js';

/** Light and dark (by `prefers-color-scheme`), readable down to a 375 px phone. */
export const STYLE = `
:root{--fg:#1f2328;--muted:#59636e;--bg:#fff;--card:#f6f8fa;--line:#d1d9e0;--code:#eff2f5;
--critical:#a40e26;--high:#d1242f;--medium:#9a6700;--low:#0969da;--info:#59636e;--ok:#1a7f37;--warn:#9a6700;--declared:#8250df}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--card:#151b23;--line:#3d444d;
--code:#262c36;--critical:#ff7b72;--high:#f85149;--medium:#d29922;--low:#4493f8;--info:#9198a1;--ok:#3fb950;--warn:#d29922;--declared:#ab7df8}}
*{box-sizing:border-box}[hidden]{display:none!important}
body{margin:0 auto;max-width:72rem;padding:1.5rem;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem;padding-bottom:.25rem;border-bottom:1px solid var(--line)}
h3{font-size:1rem;margin:.75rem 0 .25rem}h2 small,h3 small{color:var(--muted);font-weight:400}
code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);border-radius:4px}
code{padding:.1em .3em;overflow-wrap:anywhere}pre{padding:.5rem .75rem;overflow-x:auto;margin:.25rem 0 .5rem}pre code{padding:0;background:none}
.meta,.muted{color:var(--muted)}
.banner{border:1px solid var(--line);border-left:4px solid var(--ok);border-radius:6px;padding:.75rem 1rem;margin:1rem 0;background:var(--card)}
.banner.partial{border-left-color:var(--warn)}.banner.drift{border-left-color:var(--high)}.banner ul{margin:.5rem 0 0}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid var(--line);padding:.3rem .6rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}td.zero{color:var(--muted)}th .sm{display:none}
.filters{position:sticky;top:0;z-index:3;display:flex;flex-wrap:wrap;gap:.4rem .75rem;align-items:center;margin:1rem 0;padding:.5rem .75rem;background:var(--card);border:1px solid var(--line);border-radius:6px}
.filters input[type=search]{flex:1;min-width:10rem;padding:.3rem .5rem;background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:4px}
.filters select{max-width:100%;padding:.3rem;background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:4px}
.filters label{white-space:nowrap}
.finding{border:1px solid var(--line);border-left:4px solid var(--info);border-radius:6px;padding:.35rem .75rem;margin:.4rem 0;background:var(--card)}
.finding summary{cursor:pointer;display:flex;flex-wrap:wrap;gap:.15rem .5rem;align-items:baseline;list-style-position:outside}
.finding summary .msg{flex-basis:100%;margin:0}
.finding details:not([open]) .msg{display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden}
section.sources summary{cursor:pointer}section.sources summary h2{display:inline-block;border:0;margin:1rem 0 .25rem}
.sev{font-weight:700;text-transform:uppercase;font-size:.8rem;letter-spacing:.04em}
.type{color:var(--muted)}.tag{font-size:.8rem;border:1px solid var(--line);border-radius:1rem;padding:0 .5rem}
.key{font-weight:600}.msg{margin:.4rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .75rem;margin:.4rem 0}dt{color:var(--muted)}dd{margin:0;min-width:0}
.secret{font-style:italic}.oob{color:var(--warn);font-weight:600}
ul.prov{margin:.25rem 0;padding-left:1.2rem}.fix h4{font-size:.9rem;margin:.6rem 0 .1rem}.fix p{margin:0}
${SEVERITIES_WORST_FIRST.map((s) => `.sev-${s}{border-left-color:var(--${s})}.sev-${s} .sev,.c-${s}{color:var(--${s})}`).join('\n')}
.c-ok{color:var(--ok)}
.scroller{overflow-x:auto;max-width:100%;border:1px solid var(--line);border-radius:6px;margin:.5rem 0}
table.matrix{width:auto;min-width:100%;margin:0;font-size:13px;border-style:hidden}
table.matrix th,table.matrix td{white-space:nowrap;max-width:16rem;overflow:hidden;text-overflow:ellipsis;padding:.2rem .5rem}
table.matrix th.k{position:sticky;left:0;z-index:1;background:var(--bg);max-width:15rem}
table.matrix thead th{background:var(--card)}table.matrix thead th.k{background:var(--card)}
table.matrix small{display:block;color:var(--muted);font-weight:400}
td.m-drift{background:color-mix(in srgb,var(--high) 14%,transparent);box-shadow:inset 3px 0 var(--high)}
${SEVERITIES_WORST_FIRST.map((s) => `td.m-drift.sev-${s}{background:color-mix(in srgb,var(--${s}) 14%,transparent);box-shadow:inset 3px 0 var(--${s})}`).join('\n')}
td.m-declared{box-shadow:inset 0 0 0 1px var(--declared);background:color-mix(in srgb,var(--declared) 9%,transparent)}
td.m-declared::before,td.m-drift.decl::before{content:"≠ ";color:var(--declared);font-weight:700}
tr.app th,tr.app td{background:var(--card);font-weight:600;font-size:12px;color:var(--muted);padding:.1rem .5rem}
td.m-unknown{color:var(--muted);font-style:italic}td.m-absent{color:var(--muted)}
.legend{display:flex;flex-wrap:wrap;gap:.25rem .75rem;font-size:.85rem;color:var(--muted);margin:.25rem 0}
.legend span{white-space:nowrap}.legend .m-drift{color:var(--high)}.legend .m-declared{color:var(--declared)}
.chart{display:block;width:100%;height:3rem;border-bottom:1px solid var(--line)}
.chart .opened,.lane .open{fill:var(--high)}.chart .changed,.lane .chg{fill:var(--medium)}.chart .resolved,.lane .res{fill:var(--ok)}
.axis{display:flex;justify-content:space-between;font-size:.8rem;color:var(--muted)}
ol.lanes{list-style:none;margin:.25rem 0;padding:0}
.lane{display:grid;grid-template-columns:minmax(0,16rem) minmax(4rem,1fr) minmax(0,11rem);gap:.5rem;align-items:center;font-size:13px;padding:.1rem 0;border-bottom:1px solid var(--line)}
.lane .lk{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.lane .st{color:var(--muted);white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.lane svg{width:100%;height:.7rem;display:block;background:var(--code);border-radius:2px}
footer{margin-top:2rem;padding-top:.75rem;border-top:1px solid var(--line);font-weight:600}
@media (max-width:40rem){body{padding:.75rem;font-size:14px}.filters{position:static}table.matrix th.k{max-width:9rem}table.summary .opt{display:none}table.summary th,table.summary td{padding:.25rem .3rem;overflow-wrap:anywhere}th .lg{display:none}th .sm{display:inline}
.lane{grid-template-columns:minmax(0,1fr) 5rem}.lane .st{grid-column:1/-1}table.sources td:nth-child(2),table.sources th:nth-child(2){display:none}}
@media print{.filters{display:none!important}.finding{break-inside:avoid}}
`;

/**
 * Filters by severity, finding type, environment, region and text, kept in the URL's fragment
 * (`#sev=critical,high&env=production-us`) so a link or a reload shows the same view; the fragment
 * never reaches a server. Without the script the report reads in full.
 */
export const SCRIPT = `
(() => {
  const nav = document.querySelector('nav.filters');
  if (!nav) return;
  nav.hidden = false;
  const boxes = [...nav.querySelectorAll('input[data-sev]')];
  const selects = [...nav.querySelectorAll('select[name]')];
  const search = nav.querySelector('input[type=search]');
  const count = nav.querySelector('.count');
  const cards = [...document.querySelectorAll('article.finding')];
  const lanes = [...document.querySelectorAll('li.lane')];
  const regions = [...document.querySelectorAll('section.region')];
  const rows = [...document.querySelectorAll('tr.mrow')];
  const groupsOfRows = [...document.querySelectorAll('table.matrix tbody')];
  const cells = [...document.querySelectorAll('table.matrix [data-col]')];
  const value = (name) => { const s = selects.find((x) => x.name === name); return s ? s.value : ''; };
  const read = () => {
    const p = new URLSearchParams(location.hash.slice(1));
    const sev = p.get('sev');
    const wanted = sev === null ? null : new Set(sev.split(','));
    for (const b of boxes) b.checked = wanted === null || wanted.has(b.dataset.sev);
    for (const s of selects) {
      const v = p.get(s.name);
      s.value = v !== null && [...s.options].some((o) => o.value === v) ? v : s.options[0].value;
    }
    if (search) search.value = p.get('q') || '';
  };
  const write = () => {
    const p = new URLSearchParams();
    const on = boxes.filter((b) => b.checked).map((b) => b.dataset.sev);
    if (on.length !== boxes.length) p.set('sev', on.join(','));
    for (const s of selects) if (s.value !== s.options[0].value) p.set(s.name, s.value);
    if (search && search.value.trim()) p.set('q', search.value.trim());
    const hash = p.toString();
    history.replaceState(null, '', hash ? '#' + hash : location.pathname + location.search);
  };
  const apply = () => {
    const sevs = new Set(boxes.filter((b) => b.checked).map((b) => b.dataset.sev));
    const allSevs = sevs.size === boxes.length;
    const type = value('type'); const env = value('env'); const region = value('region'); const scope = value('rows');
    const text = search ? search.value.trim().toLowerCase() : '';
    const fits = (el) => sevs.has(el.dataset.severity) && (!type || el.dataset.type === type) &&
      (!env || el.dataset.env.split('+').includes(env)) && (!region || (el.dataset.region || '').split(' ').includes(region));
    let shown = 0;
    for (const card of cards) {
      const visible = fits(card) && (!text || card.textContent.toLowerCase().includes(text));
      card.hidden = !visible;
      if (visible) shown += 1;
    }
    for (const section of document.querySelectorAll('section.env')) section.hidden = !section.querySelector('article.finding:not([hidden])');
    for (const lane of lanes) lane.hidden = !(fits(lane) && (!text || lane.textContent.toLowerCase().includes(text)));
    for (const r of regions) r.hidden = !!region && r.dataset.region !== region;
    for (const c of cells) c.hidden = (!!env && c.dataset.col !== env) || (!!region && c.dataset.colRegion !== region);
    let keys = 0;
    for (const row of rows) {
      const drift = (row.dataset.sevs || '').split(' ').filter(Boolean);
      const types = (row.dataset.types || '').split(' ').filter(Boolean);
      const visible = (scope === 'all' || row.dataset.differing === 'true') &&
        (allSevs || drift.some((s) => sevs.has(s))) && (!type || types.includes(type)) &&
        (!text || (row.querySelector('th').textContent + ' ' + row.parentElement.dataset.app).toLowerCase().includes(text));
      row.hidden = !visible;
      if (visible) keys += 1;
    }
    // An application heading with none of its keys shown says nothing: hide its whole group.
    for (const group of groupsOfRows) group.hidden = !group.querySelector('tr.mrow:not([hidden])');
    if (count) count.textContent = shown + ' of ' + cards.length + ' findings, ' + keys + ' of ' + rows.length + ' keys shown';
  };
  nav.addEventListener('input', () => { apply(); write(); });
  window.addEventListener('hashchange', () => { read(); apply(); });
  read();
  apply();
})();
`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Nothing but this page's own style and script may run, even if a value slipped past escaping; no
 * request leaves the page (no fonts, images or beacons), so the report works offline and leaks nothing.
 */
export const CSP = [
  "default-src 'none'",
  `style-src ${sha256(STYLE)}`,
  `script-src ${sha256(SCRIPT)}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
