// Generators of hostile input: strings, JSON texts, form bodies, query strings and path segments.
// Everything comes out as the exact text that goes on the wire, so a counterexample can be replayed
// with curl. Field and query names come from a vocabulary of names the app uses, so bodies get past
// "unknown field" checks and reach the handlers often enough.
import fc from 'fast-check';

/** Names the app's schemas and forms use; hostile values under them reach deeper than random keys. */
export const FIELD_NAMES = [
  'email', 'password', 'name', 'nameZh', 'idType', 'idNumber', 'roles', 'role', 'to', 'comment', 'reason', 'revision',
  'items', 'number', 'response', 'flagged', 'userId', 'extraSeconds', 'code', 'title', 'level', 'levels', 'mode',
  'type', 'domain', 'difficulty', 'stem', 'options', 'answer', 'accepted', 'sections', 'shares', 'status', 'next',
  'format', 'language', 'file', 'q', 'lang', 'saved', 'from', 'page', 'pageSize', 'tag', 'zh', 'en', 'correct', 'text',
];

const INJECTION_KEYS = ['$gt', '$ne', '$where', '$set', '$regex', '$expr', '$', 'a.b', 'items.0.number', '__proto__', 'constructor', 'prototype', ''];

/** Strings that have broken parsers, lookups and renderers before. */
const SPECIAL_STRINGS = [
  '\u202E', '\u200B', '\uFEFF', '\u0000', '\u0085', '\u2028', '\uFFFE', '\uFFFF', '\uD800', '\uDFFF', '\uDC00\uD800',
  '😀', '👩🏽‍💻', '𠀀', '𪚥', 'İ', 'ﬀ', 'e\u0301', '中文', ' ', '\t\r\n',
  '$gt', '$where', '$ne', 'a.b', '$', '{"$gt":""}', '[object Object]', '__proto__', 'constructor', 'toString',
  'null', 'undefined', 'true', 'NaN', 'Infinity', '-1', '0', '1e308', '9007199254740993', '..', '.', '../../etc/passwd',
  '<script>alert(1)</script>', "' OR '1'='1", '{{this}}', '{{> layout}}', '%s%n', '${7*7}', '//evil.example', '/\\evil.example',
  'S000131000001253000001', 'q0', 'q99999', 'time_up', 'admin', 'approved', 'national', 'valid', 'revoked', 'en', 'zh', 'zh-CN',
];

/** Percent sequences that do not decode: truncated, non-hex, overlong and surrogate UTF-8. */
export const BAD_PERCENT = ['%E0%A4%A', '%', '%zz', '%%', '%E0%A4', '%C0%AF', '%ED%A0%80', '%FF', '%u202E', '%0', 'a%', '%%41'];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...SPECIAL_STRINGS), fc.string({ maxLength: 8 }), fc.constantFrom(...SPECIAL_STRINGS)).map((parts) => parts.join('')) },
  // Huge, built in one step: fast-check would spend seconds growing such a string character by character.
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 5_000, max: 300_000 }), fc.constantFrom('x', '长', '😀')).map(([n, ch]) => ch.repeat(n)) },
);

/** encodeURIComponent, except that lone surrogates become their (invalid) WTF-8 bytes instead of throwing. */
export function encodeComponent(s: string): string {
  return Array.from(s, (ch) => {
    const c = ch.codePointAt(0)!;
    if (c < 0xd800 || c > 0xdfff) return encodeURIComponent(ch);
    return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
  }).join('');
}

// Not shrunk: a smaller id says nothing more, and each shrink step costs a request and a digest.
const hex = (length: number) => fc.noShrink(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length }));

/** A path-parameter value: mostly real ids, else ids that look right but are not, else garbage. */
export function pathSegment(real: readonly string[]): fc.Arbitrary<string> {
  const someReal = fc.constantFrom(...real);
  return fc.oneof(
    { weight: 5, arbitrary: someReal },
    { weight: 2, arbitrary: hex(24) }, // a well-formed ObjectId nobody has
    { weight: 1, arbitrary: fc.constantFrom(23, 25).chain(hex) },
    { weight: 1, arbitrary: fc.constantFrom('zzzzzzzzzzzzzzzzzzzzzzzz', 'GGGGGGGGGGGGGGGGGGGGGGGG', '0x0123456789abcdef012345', '000000000000000000000000') },
    { weight: 2, arbitrary: fc.constantFrom(...BAD_PERCENT) },
    { weight: 2, arbitrary: hostileString.filter((s) => s.length < 2_000).map(encodeComponent) },
    { weight: 1, arbitrary: fc.tuple(someReal, fc.constantFrom('%00', '%20', '.json', '%2F..', '%E0%A4%A', '~', '%3B')).map(([r, tail]) => r + tail) },
    { weight: 1, arbitrary: someReal.map((r) => r.toUpperCase()) },
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 6_000 }).map((n) => 'a'.repeat(n)) },
  );
}

const keyVariant = (names: readonly string[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...names) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...names), fc.constantFrom('[]', '[$gt]', '[$ne]', '[a][b]', '[0]', '[__proto__]', '.a')).map(([k, s]) => k + s) },
    { weight: 1, arbitrary: fc.constantFrom(...INJECTION_KEYS) },
    { weight: 1, arbitrary: hostileString.filter((s) => s.length < 200).map(encodeComponent) },
  );

const queryValue = (real: readonly string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...real, 'en', 'zh', 'zh-CN', '1', '0', '-1', '3,2,1', 'gift', 'json', 'csv', 'national', 'valid', 'revoked', 'approved', 'true', '') },
    { weight: 3, arbitrary: hostileString.filter((s) => s.length < 2_000).map(encodeComponent) },
    { weight: 1, arbitrary: fc.constantFrom(...BAD_PERCENT) },
  );

/** `k=v&k=v` pairs; repeated keys (`a=1&a=2`) and bracket keys (`a[b][c]=1`) on purpose. */
export function formPairs(real: readonly string[], names: readonly string[] = FIELD_NAMES): fc.Arbitrary<string> {
  const pair = fc.tuple(keyVariant(names), queryValue(real)).map(([k, v]) => `${k}=${v}`);
  const repeated = fc.tuple(fc.constantFrom(...names), queryValue(real), queryValue(real)).map(([k, a, b]) => `${k}=${a}&${k}=${b}`);
  return fc.array(fc.oneof({ weight: 4, arbitrary: pair }, { weight: 1, arbitrary: repeated }, { weight: 1, arbitrary: keyVariant(names) }), { maxLength: 5 }).map((parts) => parts.join('&'));
}

export const QUERY_NAMES = ['lang', 'name', 'status', 'q', 'page', 'pageSize', 'domain', 'level', 'levels', 'type', 'difficulty', 'tag', 'format', 'language', 'next', 'saved', 'from', 'mode', 'role'];

export function queryString(real: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { withCrossShrink: true },
    { weight: 2, arbitrary: fc.constant('') },
    // One hostile parameter alone gets past the others' validation and reaches the handler.
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...QUERY_NAMES), queryValue(real)).map(([k, v]) => `${k}=${v}`) },
    { weight: 3, arbitrary: formPairs(real, QUERY_NAMES) },
    { weight: 1, arbitrary: fc.constantFrom(...BAD_PERCENT).map((b) => `${b}=${b}`) },
  );
}

const jsonNumber = fc.oneof(
  fc.constantFrom('0', '-0', '1e308', '-1', '1.5', '9007199254740993', '1e-400', '123456789012345678901234567890', '3'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.integer().map(String),
);

const jsonLeaf = fc.oneof(
  { weight: 4, arbitrary: hostileString.map((s) => JSON.stringify(s)) },
  // JSON.stringify escapes a lone surrogate as \ud800; these are other escapes the parser must take.
  { weight: 1, arbitrary: fc.constantFrom('"\\ud800"', '"\\udc00\\ud800"', '"\\u0000"', '"\\u202e\\u200b"', '"\\ufeff"') },
  { weight: 2, arbitrary: jsonNumber },
  { weight: 2, arbitrary: fc.constantFrom('null', 'true', 'false', '{}', '[]') },
  { weight: 3, arbitrary: fc.constantFrom('{"$gt":""}', '{"$ne":null}', '{"$where":"sleep(1000) || true"}', '{"$regex":".*"}', '{"$in":[]}', '{"$exists":true}', '{"$expr":{"$eq":[1,1]}}', '{"a.b":1}', '{"$set":{"roles":["admin"]}}') },
);

const jsonKey = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...FIELD_NAMES) }, { weight: 2, arbitrary: fc.constantFrom(...INJECTION_KEYS) }, { weight: 1, arbitrary: hostileString.filter((s) => s.length < 200) });

const objectText = (entries: Array<[string, string]>) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;

const { value: jsonValue } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', maxDepth: 3 }, jsonLeaf, tie('object'), tie('array')),
  object: fc.array(fc.tuple(jsonKey, tie('value') as fc.Arbitrary<string>), { maxLength: 5 }).map(objectText),
  array: fc.array(tie('value') as fc.Arbitrary<string>, { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
}));

/** A top-level JSON text: mostly an object of known field names, sometimes any value at all. */
export const jsonBody: fc.Arbitrary<string> = fc.oneof(
  // Few keys: schemas refuse unknown ones, so a one-key body is the likeliest to reach a handler.
  { weight: 3, arbitrary: fc.tuple(jsonKey, jsonValue as fc.Arbitrary<string>).map((entry) => objectText([entry])) },
  { weight: 3, arbitrary: fc.array(fc.tuple(jsonKey, jsonValue as fc.Arbitrary<string>), { minLength: 2, maxLength: 6 }).map(objectText) },
  { weight: 1, arbitrary: jsonValue as fc.Arbitrary<string> },
);

const malformedJson = fc.oneof(
  fc.constantFrom('{', '{"a":', '[1,]', '{"a" 1}', "{'a':1}", 'nul', '{"a":1}}', '\u0000', '{"a":"\\x"}', '{"a":"\\u12"}', '\uFEFF{"a":1}', '{"a":NaN}', '{"a":Infinity}', '{"a":01}', '/*c*/{}', '{"a":1,}', '"\\ud800"', '"str"', '42', ' '),
  jsonBody.chain((text) => fc.nat(Math.max(0, text.length - 1)).map((n) => text.slice(0, n))),
);

const deepJson = fc.tuple(fc.integer({ min: 50, max: 20_000 }), fc.constantFrom('{"a":', '[', '{"response":[')).map(([depth, open]) => {
  const close = open === '[' ? ']' : open === '{"a":' ? '}' : ']}';
  return `${open.repeat(depth)}1${close.repeat(depth)}`;
});

const hugeJson = fc.oneof(
  fc.tuple(fc.constantFrom(...FIELD_NAMES), fc.integer({ min: 100_000, max: 1_200_000 })).map(([k, n]) => `{"${k}":"${'x'.repeat(n)}"}`),
  fc.tuple(fc.constantFrom(...FIELD_NAMES), fc.integer({ min: 10_000, max: 600_000 })).map(([k, n]) => `{"${k}":[${'0,'.repeat(n)}0]}`),
);

export const JSON_TYPES = ['application/json', 'application/json; charset=utf-8'];
const WRONG_TYPES = [
  'application/json; charset=latin1', 'application/json; charset=utf-16', 'text/plain', 'application/xml', 'text/html; charset=utf-8',
  'application/x-www-form-urlencoded', 'multipart/form-data', 'application/octet-stream', 'application/vnd.api+json',
  'application/merge-patch+json', 'application/json, text/html', '', 'text/csv',
];

export interface BodySpec {
  headers: Record<string, string>;
  text: string;
  /** The text holds raw bytes (one per char), not characters to encode as UTF-8. */
  bytes?: boolean;
}

const multipart = (fieldName: string, filename: string, content: string, boundary = 'fuzzBoundary') =>
  `--${boundary}\r\nContent-Disposition: form-data; name="${fieldName}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n${content}\r\n--${boundary}--\r\n`;

/** A request body with its content headers, or undefined for none. */
export function bodySpec(real: readonly string[]): fc.Arbitrary<BodySpec | undefined> {
  const typed = (types: readonly string[], text: fc.Arbitrary<string>) => fc.tuple(fc.constantFrom(...types), text).map(([type, t]): BodySpec => ({ headers: { 'content-type': type }, text: t }));
  // Cross-shrinking lets a failing case shrink to "no body", so the report shows only what matters.
  return fc.oneof(
    { withCrossShrink: true },
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: typed(JSON_TYPES, jsonBody) },
    { weight: 2, arbitrary: typed(JSON_TYPES, malformedJson) },
    { weight: 1, arbitrary: typed(JSON_TYPES, fc.constant('')) },
    { weight: 1, arbitrary: typed(JSON_TYPES, deepJson) },
    { weight: 1, arbitrary: typed(JSON_TYPES, hugeJson) },
    { weight: 3, arbitrary: typed(['application/x-www-form-urlencoded'], formPairs(real)) },
    { weight: 1, arbitrary: typed(['application/x-www-form-urlencoded'], fc.integer({ min: 101, max: 2_000 }).map((n) => Array.from({ length: n }, (_, i) => `k${i}=1`).join('&'))) },
    { weight: 2, arbitrary: typed(WRONG_TYPES, fc.oneof(jsonBody, formPairs(real), hostileString)) },
    // No content type at all, with a JSON-looking body.
    { weight: 1, arbitrary: jsonBody.map((text): BodySpec => ({ headers: {}, text })) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom('file', 'format', 'data'), fc.constantFrom('q.json', 'cert.pdf', '../../x', '\u202Efdp.exe'), fc.oneof(hostileString, jsonBody, fc.constant('%PDF-1.7\n%%EOF'))).map(
        ([field, filename, content]): BodySpec => ({ headers: { 'content-type': 'multipart/form-data; boundary=fuzzBoundary' }, text: multipart(field, filename, content) }),
      ),
    },
    // Broken multipart: no boundary, a boundary that never appears, a body cut short.
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { headers: { 'content-type': 'multipart/form-data' }, text: multipart('file', 'a.pdf', 'x') },
        { headers: { 'content-type': 'multipart/form-data; boundary=other' }, text: multipart('file', 'a.pdf', 'x') },
        { headers: { 'content-type': 'multipart/form-data; boundary=fuzzBoundary' }, text: multipart('file', 'a.pdf', 'x').slice(0, 60) },
      ),
    },
    // Bytes that are not UTF-8, and a compressed body that is not compressed.
    { weight: 1, arbitrary: fc.constantFrom<BodySpec>({ headers: { 'content-type': 'application/json' }, text: '{"name":"\xff\xfe\xc3("}', bytes: true }, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, text: 'name=\xff\xc0', bytes: true }) },
    { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity, gzip', 'x-unknown').map((enc): BodySpec => ({ headers: { 'content-type': 'application/json', 'content-encoding': enc }, text: '{"not":"compressed"}' })) },
  );
}

const headerSafe = (s: string) => encodeComponent(s).slice(0, 500);

/** Headers besides credentials: what the client accepts, request ids, language, stray cookies. */
export const extraHeaders: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      accept: fc.constantFrom('text/html', 'application/json', '*/*', 'application/xml', 'text/html;q=0, */*;q=0.1', 'text/html,application/xhtml+xml', ''),
      'accept-language': fc.constantFrom('en', 'zh-CN', 'xx', '*', ';;;', 'en;q=abc', 'zh-Hant-TW-x-private'),
      'x-request-id': fc.oneof(fc.constantFrom('a'.repeat(300), '../../x', '$gt', 'id with spaces'), hostileString.filter((s) => s.length < 100).map(headerSafe)),
      cookie: fc.oneof(fc.constantFrom('lang=en', 'lang=zh-CN', 'lang=%E0%A4%A', 'lang=j%3A%7B%22%24gt%22%3A%22%22%7D', 'lang='), hostileString.filter((s) => s.length < 100).map((s) => `lang=${headerSafe(s)}`)),
    },
    { requiredKeys: [] },
  )
  .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>);

/** What an anonymous caller may send instead of credentials: nothing, or credentials that are no good. */
export const bogusCredentials: fc.Arbitrary<Record<string, string>> = fc.constantFrom<Record<string, string>>(
  {},
  { authorization: 'Bearer x' },
  { authorization: 'Bearer ' },
  { authorization: 'Basic YTpi' },
  { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAifQ.' },
  { cookie: 'ate_session=garbage' },
  { cookie: 'ate_session=j%3A%7B%22%24gt%22%3A%22%22%7D' },
  { cookie: 'ate_session=%E0%A4%A' },
);
