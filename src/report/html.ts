/** The shell of a self-contained report page: inline style, no external resource. */

export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function fmtDuration(sec: number): string {
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : m > 0 ? `${m} min ${String(r).padStart(2, '0')} s` : `${r} s`;
}

export function fmtPercent(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(1)} %`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;margin:24px auto;max-width:1180px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#666;margin-bottom:16px}
table{border-collapse:collapse;margin:8px 0}th,td{padding:4px 10px;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:150px}
.card b{display:block;font-size:20px}
.yes{color:#1a7f37;font-weight:600}.no{color:#b3261e;font-weight:600}
.chart{overflow-x:auto}.chart svg{max-width:100%;height:auto}
.note{color:#555;font-size:13px;max-width:900px}
.charts{display:flex;flex-wrap:wrap;gap:24px}
th.sortable{cursor:pointer;user-select:none;white-space:nowrap}th.sortable:after{content:" \\2195";color:#aaa}
th[aria-sort=ascending]:after{content:" \\2191";color:#222}th[aria-sort=descending]:after{content:" \\2193";color:#222}
tr.err td{color:#b3261e}
#films td:first-child{white-space:nowrap}#films{font-size:13px}
`;

export function page(title: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="count-speakers"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body>
${body}
${script ? `<script>${script}</script>` : ''}
</body></html>
`;
}

export function yesNo(v: boolean | undefined): string {
  return v === undefined ? '–' : v ? '<span class="yes">yes</span>' : '<span class="no">no</span>';
}
