// What every response must satisfy, whatever was sent: no server error, nothing internal leaked,
// API errors in the one documented shape. Returns problems as sentences (empty when all is well).
import type { RawRequest, RawResponse } from './raw-client';

const LEAKS: Array<[string, RegExp]> = [
  // A stack frame, also inside a JSON string where the newline is the two characters \n.
  ['a stack frame', /(?:^|\n|\\n)[ \t]+at \S/],
  ['a server path', /\/work\//],
  ['node_modules', /node_modules/],
  ['a .ts file:line', /\.ts:\d+/],
  ['a raw error name', /\b(?:MongoServerError|MongooseError|MongoError|BSONError|CastError|ValidationError:|TypeError:|ReferenceError:|SyntaxError:|URIError)/],
];

function isJson(res: RawResponse): boolean {
  return /^application\/(?:[\w.+-]+\+)?json\b/i.test(String(res.headers['content-type'] ?? ''));
}

function isBinary(res: RawResponse): boolean {
  return /^(?:application\/pdf|image\/|font\/|application\/octet-stream)/i.test(String(res.headers['content-type'] ?? ''));
}

export function responseProblems(res: RawResponse): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`status ${res.status} (must be < 500)`);
  const text = isBinary(res) ? '' : res.body.toString('utf8');
  for (const [what, pattern] of LEAKS) {
    const match = pattern.exec(text);
    if (match) problems.push(`the body leaks ${what}: …${text.slice(Math.max(0, match.index - 60), match.index + 80)}…`);
  }
  if (res.status >= 400 && isJson(res)) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      problems.push('the JSON error body does not parse');
    }
    const error = (body as { error?: Record<string, unknown> } | undefined)?.error;
    if (body !== undefined && (typeof error !== 'object' || error === null || typeof error.code !== 'string' || typeof error.message !== 'string' || !('details' in error))) {
      problems.push('the JSON error body is not {"error":{"code","message","details"}} with a string code');
    }
  }
  return problems;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

/** UTF-8 text as a JSON string; bytes that are not UTF-8 as latin1, marked, so the exact bytes show. */
function bodyText(body: Buffer): string {
  const utf8 = body.toString('utf8');
  return Buffer.from(utf8, 'utf8').equals(body) ? clip(JSON.stringify(utf8), 400) : `(bytes, latin1) ${clip(JSON.stringify(body.toString('latin1')), 400)}`;
}

/** The exact request, readable: credentials by identity rather than by token. */
export function describeRequest(req: RawRequest, identity: string): string {
  const headers = Object.entries(req.headers)
    .map(([k, v]) => `${k}: ${clip(v.replace(/(Bearer |ate_session=)[\w-]+\.[\w-]+\.[\w-]+/g, `$1<${identity} token>`), 200)}`)
    .join('\n    ');
  const body = req.body ? `\n  body: ${bodyText(req.body)}` : '';
  return `${req.method} ${clip(req.url, 300)}\n    ${headers}${body}`;
}

/** An HTML page as the words a reader sees (the layout's markup says nothing about the failure). */
function pageText(html: string): string {
  return html.replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

export function describeResponse(res: RawResponse): string {
  const type = String(res.headers['content-type'] ?? 'no content type');
  const text = res.body.toString('utf8');
  const body = isBinary(res) ? `<${res.body.length} bytes>` : /html/i.test(type) ? `page text: ${clip(pageText(text), 400)}` : clip(JSON.stringify(text), 600);
  return `${res.status} (${type}) ${body}`;
}
