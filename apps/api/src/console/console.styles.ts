/**
 * The console's one stylesheet, served at `/console/console.css`. Kept in a module so the build
 * and the Lambda bundle carry it without a copy step. Colours meet WCAG AA contrast on white;
 * every focusable control shows a focus ring.
 */
export const CONSOLE_CSS = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #4a5360; --line: #c9d1d9; --accent: #0b57d0;
  --bad: #a3130f; --good: #1a6b2f; --warn: #7a4a00; --bg: #ffffff; --panel: #f4f6f8; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible {
  outline: 3px solid #f0a500; outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; }
header { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; padding: 8px 20px;
  background: #16213a; color: #fff; }
header a { color: #fff; }
header nav ul { display: flex; gap: 16px; list-style: none; margin: 0; padding: 0; }
header form { margin-left: auto; }
main { padding: 16px 20px; max-width: 1200px; }
h1 { font-size: 1.4rem; margin: 0.4rem 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.4rem 0 0.5rem; }
form.filters { display: flex; flex-wrap: wrap; gap: 10px 14px; align-items: end; background: var(--panel);
  padding: 12px; border: 1px solid var(--line); }
label { display: flex; flex-direction: column; font-size: 0.85rem; color: var(--muted); gap: 2px; }
input, select, button { font: inherit; padding: 4px 6px; border: 1px solid #6b7785; border-radius: 3px;
  color: var(--ink); background: #fff; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
table { border-collapse: collapse; width: 100%; margin-top: 12px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 0.85rem; color: var(--muted); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { font-weight: 600; }
.status-succeeded, .status-refunded { color: var(--good); }
.status-failed { color: var(--bad); }
.status-outcome_unknown, .status-processing, .status-requested { color: var(--warn); }
.notice { padding: 8px 12px; border-left: 4px solid var(--accent); background: var(--panel); }
.error { border-left-color: var(--bad); }
ol.timeline { list-style: none; padding: 0; margin: 0; border-left: 3px solid var(--line); }
ol.timeline > li { margin: 0 0 12px 0; padding: 6px 12px; position: relative; }
ol.timeline > li::before { content: ""; position: absolute; left: -9px; top: 12px; width: 12px; height: 12px;
  border-radius: 50%; background: var(--muted); }
li.kind-attempt::before { background: var(--accent) !important; }
li.kind-webhook::before { background: #6f3fb5 !important; }
li.kind-state::before { background: var(--good) !important; }
li.kind-conflict::before { background: var(--bad) !important; }
.when { color: var(--muted); font-size: 0.85rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 4px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
progress { width: 8rem; height: 0.9rem; vertical-align: middle; margin-right: 6px; accent-color: var(--accent); }
pre { background: var(--panel); padding: 8px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
.signin { max-width: 420px; }
.signin form { display: flex; flex-direction: column; gap: 12px; }
`;
