// axe-core on every page kind of t/lib/crawl.py (FC_CRAWL: the resolved page list and the
// log-ins, from t/browser_axe.t) at desktop and phone widths: one check per page and width,
// 0 violations; the diagnostics name each violated rule, its impact and the elements. A POST
// entry submits its fields (and the page's CSRF token) from the page that has the form.
'use strict';
const path = require('path');
const { base, check, shot, run } = require('./lib');

const crawl = JSON.parse(process.env.FC_CRAWL || '{"pages":[],"logins":{}}');
const AXE = path.join(__dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js');
const WIDTHS = [['desktop', { width: 1200, height: 900 }], ['phone', { width: 390, height: 844 }]];

async function open(browser, who, viewport) {
  // bypassCSP: the site's Content-Security-Policy would refuse the injected axe script
  const ctx = await browser.newContext({ viewport, bypassCSP: true });
  const page = await ctx.newPage();
  if (crawl.logins[who]) {
    const [user, password] = crawl.logins[who];
    await page.goto(base + '/login');
    await page.fill('#username', user);
    await page.fill('#password', password);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button')]);
  }
  return page;
}

async function visit(page, p) {
  if (p.method === 'GET') {
    await page.goto(base + p.path);
    return;
  }
  await page.goto(base + p.src);
  await Promise.all([page.waitForNavigation(), page.evaluate(({ action, fields }) => {
    const f = document.createElement('form');
    f.method = 'post';
    f.action = action;
    const add = (k, v) => {
      const i = document.createElement('input');
      i.type = 'hidden'; i.name = k; i.value = v;
      f.appendChild(i);
    };
    add('csrf', document.querySelector('input[name=csrf]').value);
    for (const [k, v] of Object.entries(fields)) add(k, v);
    document.body.appendChild(f);
    f.submit();
  }, { action: p.path, fields: p.form || {} })]);
}

run('axe', async (browser) => {
  const whos = [...new Set(crawl.pages.map((p) => p.who))];
  check(crawl.pages.length > 0, 'the page list came from t/lib/crawl.py', crawl.pages.length);
  for (const [wname, viewport] of WIDTHS) {
    for (const who of whos) {
      const page = await open(browser, who, viewport);
      for (const p of crawl.pages.filter((x) => x.who === who)) {
        const label = `${wname} ${who} ${p.name} (${p.method} ${p.path})`;
        try {
          await visit(page, p);
          await page.addScriptTag({ path: AXE });
          const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
          const v = res.violations;
          const diag = v.map((x) => `${x.id} (${x.impact}): ${x.help}\n` +
            x.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')}: ${n.failureSummary.replace(/\n/g, ' ')}`).join('\n') +
            (x.nodes.length > 5 ? `\n    ... ${x.nodes.length - 5} more` : '')).join('\n');
          if (v.length) await shot(page, `${wname}-${who}-${p.name}`);
          check(v.length === 0, `axe: no violations: ${label}`, diag);
        } catch (e) {
          check(false, `axe: no violations: ${label}`, e.stack);
        }
      }
      await page.context().close();
    }
  }
});
